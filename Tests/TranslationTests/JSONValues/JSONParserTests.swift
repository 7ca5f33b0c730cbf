import Foundation
import JSONValues
import Testing

/// The fast parser gives what `JSONDecoder` gives for `JSONValue`, and rejects what it rejects.
@Suite("JSONParser agrees with JSONDecoder")
struct JSONParserTests {
    func foundation(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    @Test("every fixture body and upstream payload parses to the same value")
    func fixtures() throws {
        for name in Fixtures.claudeCodeNames {
            let bytes = [UInt8](try Fixtures.data("claude-code/" + name))
            let fast = JSONValue.parse(bytes)
            #expect(fast != nil, "\(name)")
            #expect(fast == foundation(bytes), "\(name)")
        }
        for name in Fixtures.names(in: "upstream", ext: "sse") {
            for payload in try Fixtures.ssePayloads(name) where payload != "[DONE]" {
                let bytes = Array(payload.utf8)
                #expect(JSONValue.parse(bytes) == foundation(bytes))
            }
        }
    }

    @Test("edge cases agree", arguments: [
        "0", "-0", "3", "3.0", "1e2", "1E+2", "2.5e-3", "-12.75", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "12345678901234567890", "1.7976931348623157e308", "5e-324", "0.1",
        #""\u00e9\ud83d\ude00\/\b\f\n\r\t\\\"""#, #""日本語 é 😀""#, #""""#, "[]", "{}", " \n\t[ 1 , { } , [ ] ]\r\n",
        #"{"a":1,"a":2}"#, #"{"":0}"#, "true", "false", "null", #"{"k":[null,true,false,{"x":"y"}]}"#,
    ])
    func edgeCases(text: String) {
        let bytes = Array(text.utf8)
        let fast = JSONValue.parse(bytes)
        #expect(fast != nil)
        #expect(fast == foundation(bytes))
    }

    @Test("invalid JSON is rejected", arguments: [
        "", " ", "{", "[1 2]", "01", "1.", ".5", "+1", "-", "1e", "1e+", #""\x""#, #""\ud800""#, #""\udc00""#,
        #""\ud800\u0041""#, "\"a\u{01}\"", "nul", "tru", #"{"a" 1}"#, #"{"a":}"#, #"{1:2}"#, "[", "]", "1 2", "'a'",
        "NaN", "Infinity", "1e400", "/* c */ 1", "[1,]", #"{"a":1,}"#,
    ])
    func invalid(text: String) {
        #expect(JSONValue.parse(Array(text.utf8)) == nil)
    }

    @Test("invalid UTF-8 is rejected, as Foundation does")
    func invalidUTF8() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(JSONValue.parse(bytes) == nil)
            #expect(foundation(bytes) == nil)
        }
    }

    @Test("nesting deeper than 512 is rejected; 500 is fine")
    func depth() {
        #expect(JSONValue.parse(Array((String(repeating: "[", count: 600) + String(repeating: "]", count: 600)).utf8)) == nil)
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(JSONValue.parse(Array(ok.utf8)) != nil)
    }

    @Test("random documents with random whitespace and escapes agree", arguments: 0..<4)
    func random(batch: Int) {
        for seed in UInt64(batch * 500)..<UInt64(batch * 500 + 500) {
            var rng = SeededGenerator(seed: seed)
            let text = Self.randomDocument(&rng, depth: 4)
            let bytes = Array(text.utf8)
            let fast = JSONValue.parse(bytes)
            #expect(fast != nil, "seed \(seed): \(text)")
            #expect(fast == foundation(bytes), "seed \(seed): \(text)")
        }
    }

    static func ws(_ rng: inout SeededGenerator) -> String { rng.chance(0.7) ? "" : rng.pick([" ", "\n", "\t", "\r\n  "]) }

    static func randomString(_ rng: inout SeededGenerator) -> String {
        let pieces = ["a", "Z", "0", " ", "é", "日", "😀", #"\""#, #"\\"#, #"\/"#, #"\n"#, #"\t"#, #"\u00e9"#, #"\u0000"#,
                      #"\ud83d\ude00"#, "/", "<", "long text without escapes to fill a word or two"]
        return "\"" + (0..<rng.int(0...6)).map { _ in rng.pick(pieces) }.joined() + "\""
    }

    static func randomNumber(_ rng: inout SeededGenerator) -> String {
        rng.pick(["0", "-0", "7", "-42", "3.0", "1e2", "2.5", "-0.125", "1E-3", "6.02e23", "123456789012", "0.1", "100e-2", "9007199254740993"])
    }

    static func randomDocument(_ rng: inout SeededGenerator, depth: Int) -> String {
        switch rng.int(0...(depth > 0 ? 7 : 4)) {
        case 0: return randomString(&rng)
        case 1: return randomNumber(&rng)
        case 2: return rng.pick(["true", "false", "null"])
        case 3, 4: return randomString(&rng)
        case 5:
            let items = (0..<rng.int(0...4)).map { _ in ws(&rng) + randomDocument(&rng, depth: depth - 1) + ws(&rng) }
            return "[" + ws(&rng) + items.joined(separator: ",") + "]"
        default:
            let members = (0..<rng.int(0...4)).map { _ in
                ws(&rng) + randomString(&rng) + ws(&rng) + ":" + ws(&rng) + randomDocument(&rng, depth: depth - 1) + ws(&rng)
            }
            return "{" + ws(&rng) + members.joined(separator: ",") + "}"
        }
    }
}

/// The writer writes what `JSONEncoder` writes with `.sortedKeys`.
@Suite("JSONWriter agrees with JSONEncoder")
struct JSONWriterTests {
    func foundation(_ value: JSONValue, escapesSlashes: Bool) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = escapesSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    func fast(_ value: JSONValue, escapesSlashes: Bool) -> String {
        var w = JSONWriter(escapesSlashes: escapesSlashes)
        w.value(value)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test("random values give the same bytes as JSONEncoder", arguments: 0..<4)
    func random(batch: Int) throws {
        for seed in UInt64(batch * 500)..<UInt64(batch * 500 + 500) {
            var rng = SeededGenerator(seed: seed)
            guard let value = JSONValue.parse(Array(JSONParserTests.randomDocument(&rng, depth: 4).utf8)) else { continue }
            for slashes in [true, false] {
                #expect(fast(value, escapesSlashes: slashes) == (try foundation(value, escapesSlashes: slashes)), "seed \(seed)")
            }
        }
    }

    @Test("escapes and numbers", arguments: [
        JSONValue.string("a\u{8}b\u{c}c\n\r\t\u{1f}\u{7f}/\u{2028}\u{feff}é\"\\"), .double(0.1), .double(1e20), .double(-0.0), .double(.leastNonzeroMagnitude),
        .double(123456789.125), .double(0.30000000000000004), .double(1e-7), .double(3.0), .int(Int.min), .int(Int.max),
        ["b": 1, "a": ["B": nil, "a_b": true, "é": "x", "aa": [1.5, "s"]]],
    ])
    func cases(value: JSONValue) throws {
        for slashes in [true, false] {
            #expect(fast(value, escapesSlashes: slashes) == (try foundation(value, escapesSlashes: slashes)))
        }
    }

    @Test("non-finite numbers mark the writer failed")
    func nonFinite() {
        var w = JSONWriter()
        w.double(.nan)
        #expect(w.failed)
    }

    @Test("compactText round-trips")
    func compactRoundTrip() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            guard let value = JSONValue.parse(Array(JSONParserTests.randomDocument(&rng, depth: 3).utf8)) else { continue }
            #expect(JSONValue(parsing: value.compactText) == value)
        }
    }
}
