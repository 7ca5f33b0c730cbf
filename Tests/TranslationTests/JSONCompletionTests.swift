import Testing
@testable import Translation

@Suite("JSONCompletion and ToolInput")
struct JSONCompletionTests {
    func completion(_ text: String) -> JSONCompletion {
        var c = JSONCompletion()
        c.feed(text)
        return c
    }

    @Test("4.6 completeness and the closing suffix", arguments: [
        ("", false, ""),
        ("{", false, "}"),
        (#"{"a": "b"#, false, "\"}"),
        (#"{"a": ["x", {"b": "#, false, "}]}"),
        (#"{"a": "}{]["}"#, true, ""),
        (#"{"a": "q\"}"#, false, "\"}"),
        (#"{"a": "q\\"}"#, true, ""),
        (#"{"a": "q\"#, false, "\\\"}"),
        ("{}", true, ""),
        ("  ", false, ""),
    ])
    func suffix(text: String, complete: Bool, suffix: String) {
        let c = completion(text)
        #expect(c.isComplete == complete)
        #expect(c.closingSuffix == suffix)
    }

    @Test("3 fragments fed one by one give the same state as the whole")
    func fragments() {
        let text = #"{"path": "/a/b \"q\" \\", "n": [1, {"x": null}]}"#
        var c = JSONCompletion()
        for ch in text { c.feed(String(ch)) }
        #expect(c == completion(text))
        #expect(c.isComplete)
    }

    @Test("3 a truncated object closed with its suffix parses to an object")
    func truncatedParses() throws {
        let full = #"{"command": "echo \"hi\"", "list": [1, 2, {"k": "v"}], "flag": true}"#
        let chars = Array(full)
        for cut in 1..<chars.count {
            let prefix = String(chars[..<cut])
            let (value, ok) = ToolInput.parse(prefix)
            if ok { #expect(value.objectValue != nil, "prefix \(prefix)") }
        }
        #expect(ToolInput.parse(full).input == ["command": "echo \"hi\"", "list": [1, 2, ["k": "v"]], "flag": true])
    }
}
