import Foundation
import JSONValues
import Testing

@Suite("UTF8Tally")
struct UTF8TallyTests {
    /// The figures over the bytes of written text, counted plainly.
    static func counted(_ text: String) -> UTF8Tally {
        var tally = UTF8Tally()
        for byte in text.utf8 {
            if byte < 0x80 { tally.ascii += 1 } else if byte >= 0xC0 { tally.leading += 1 }
        }
        return tally
    }

    @Test("text: ASCII bytes and the bytes that start a non-ASCII scalar", arguments: [
        "", "a", "héllo wörld", "日本語", "emoji 🎉🚀", "mixed ÅΩж中𝄞 end", String(repeating: "ü", count: 333),
        String(repeating: "abcdefgh", count: 1_000) + "é",
    ])
    func text(_ text: String) {
        #expect(UTF8Tally(text) == Self.counted(text))
    }

    @Test("a JSON value is tallied as its compact text", arguments: [
        #"null"#, #"true"#, #"false"#, #"0"#, #"-7"#, #"1234567890"#, #"-9223372036854775808"#, #"2.5"#, #"1e300"#,
        #""""#, #""quote \" backslash \\ slash / tab \t newline \n bell \u0007 nul \u0000 ü 🎉""#,
        #"[]"#, #"{}"#, #"[1,[2,[3,{}]],"x"]"#, #"{"a":{"b":[null,{"c":"d"}]},"é":"ö","k\"ey":1}"#,
    ])
    func json(_ text: String) throws {
        let value = try #require(JSONValue(parsing: text))
        #expect(UTF8Tally(json: value) == Self.counted(value.compactText))
    }

    @Test("escapes and multi-byte scalars at every offset of the eight-byte words")
    func everyOffset() {
        let piece = "ab\"c\\d\u{1}éf🎉\t/日"
        for prefix in 0..<16 {
            let text = String(repeating: "x", count: prefix) + String(repeating: piece, count: 7)
            #expect(UTF8Tally(text) == Self.counted(text))
            let value = JSONValue.string(text)
            #expect(UTF8Tally(json: value) == Self.counted(value.compactText))
        }
    }

    @Test("every tool schema and tool input of the captured Claude Code requests")
    func capturedRequests() throws {
        var folder = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { folder.deleteLastPathComponent() }
        folder.appendPathComponent("Fixtures/claude-code")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        var checked = 0
        for name in names {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let capture = try #require(JSONValue(parsing: text), "\(name)")
            for tool in capture["body"]?["tools"]?.arrayValue ?? [] {
                guard let schema = tool["input_schema"] else { continue }
                #expect(UTF8Tally(json: schema) == Self.counted(schema.compactText), "\(name)")
                checked += 1
            }
            for message in capture["body"]?["messages"]?.arrayValue ?? [] {
                for block in message["content"]?.arrayValue ?? [] where block["type"]?.stringValue == "tool_use" {
                    let input = try #require(block["input"])
                    #expect(UTF8Tally(json: input) == Self.counted(input.compactText), "\(name)")
                    checked += 1
                }
            }
        }
        #expect(checked > 50, "the fixtures hold many schemas")
    }
}
