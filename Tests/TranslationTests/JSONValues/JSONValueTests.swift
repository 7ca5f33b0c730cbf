import Foundation
import JSONValues
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test("integers stay integers, doubles stay doubles, nesting and nulls survive")
    func roundTrip() throws {
        let text = #"{"a":3,"b":2.5,"c":[true,false,null,"s"],"d":{"e":-7,"f":1e300},"g":9007199254740993}"#
        let value = try #require(JSONValue(parsing: text))
        #expect(value["a"] == .int(3))
        #expect(value["b"] == .double(2.5))
        #expect(value["c"] == [true, false, nil, "s"])
        #expect(value["d"]?["e"] == .int(-7))
        #expect(value["g"] == .int(9_007_199_254_740_993))
        #expect(JSONValue(parsing: value.compactText) == value)
    }

    @Test("compactText is compact with sorted keys and unescaped slashes")
    func compactText() {
        let value: JSONValue = ["b": 1, "a": ["path": "/tmp/x", "q": "say \"hi\"\n"]]
        #expect(value.compactText == #"{"a":{"path":"/tmp/x","q":"say \"hi\"\n"},"b":1}"#)
    }

    @Test("parsing rejects invalid JSON")
    func invalid() {
        #expect(JSONValue(parsing: "{") == nil)
        #expect(JSONValue(parsing: "[1,]") == nil)
        #expect(JSONValue(parsing: "") == nil)
    }

    @Test("accessors")
    func accessors() {
        let v: JSONValue = ["s": "x", "i": 4, "d": 4.0, "a": [1], "n": nil]
        #expect(v["s"]?.stringValue == "x")
        #expect(v["i"]?.intValue == 4)
        #expect(v["d"]?.intValue == 4)
        #expect(v["a"]?.arrayValue == [1])
        #expect(v["n"]?.isNull == true)
        #expect(v["missing"] == nil)
        #expect(JSONValue.string("x")["k"] == nil)
    }

    @Test("unicode, escapes and surrogate pairs")
    func unicode() throws {
        let value = try #require(JSONValue(parsing: #"["é\u00e9\ud83d\ude00\t\u0001", "日本"]"#))
        #expect(value == ["éé😀\t\u{1}", "日本"])
        #expect(JSONValue(parsing: value.compactText) == value)
    }
}
