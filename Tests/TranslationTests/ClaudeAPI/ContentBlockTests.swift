import ClaudeAPI
import Foundation
import Testing

@Suite("ContentBlock decoding")
struct ContentBlockTests {
    func blocks(_ json: String) throws -> [ContentBlock] {
        try JSONDecoder().decode([ContentBlock].self, from: Data(json.utf8))
    }

    @Test("1 every known block type decodes, cache_control and unknown fields ignored")
    func knownTypes() throws {
        let decoded = try blocks("""
            [
              {"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}, "citations": null},
              {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}},
              {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
              {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "doc"}, "title": "T"},
              {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}},
              {"type": "document", "source": {"type": "content", "content": [{"type": "text", "text": "c"}]}},
              {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls", "n": 3}},
              {"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok", "is_error": true},
              {"type": "thinking", "thinking": "hmm", "signature": "sig"},
              {"type": "redacted_thinking", "data": "opaque"}
            ]
            """)
        #expect(decoded == [
            .text(TextBlock(text: "hi")),
            .image(ImageBlock(source: .base64(mediaType: "image/png", data: "AAAA"))),
            .image(ImageBlock(source: .url("https://example.com/a.png"))),
            .document(DocumentBlock(source: .text("doc"), title: "T")),
            .document(DocumentBlock(source: .base64(mediaType: "application/pdf", data: "JVBERi0="))),
            .document(DocumentBlock(source: .content([.text(TextBlock(text: "c"))]))),
            .toolUse(ToolUseBlock(id: "toolu_1", name: "Bash", input: ["command": "ls", "n": 3])),
            .toolResult(ToolResultBlock(toolUseID: "toolu_1", content: [.text(TextBlock(text: "ok"))], isError: true)),
            .thinking(ThinkingBlock(thinking: "hmm", signature: "sig")),
            .redactedThinking(data: "opaque"),
        ])
    }

    @Test("1 unknown block types are kept as .unknown with their raw JSON, never a failure")
    func unknownTypes() throws {
        let decoded = try blocks("""
            [{"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "q"}},
             {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
             {"type": "future_block", "whatever": [1, 2.5, null, true]}]
            """)
        #expect(decoded.count == 3)
        #expect(decoded[0] == .unknown(type: "server_tool_use", raw: [
            "type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": ["query": "q"],
        ]))
        #expect(decoded[1].type == "web_search_tool_result")
        #expect(decoded[2] == .unknown(type: "future_block", raw: ["type": "future_block", "whatever": [1, 2.5, nil, true]]))
        // And they encode back as sent.
        let again = try JSONDecoder().decode([ContentBlock].self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
    }

    @Test("1 tool_result content: string, block list, null or absent")
    func toolResultContent() throws {
        let decoded = try blocks("""
            [{"type": "tool_result", "tool_use_id": "a", "content": "text"},
             {"type": "tool_result", "tool_use_id": "b", "content": [{"type": "text", "text": "x"}, {"type": "image", "source": {"type": "url", "url": "u"}}]},
             {"type": "tool_result", "tool_use_id": "c", "content": null},
             {"type": "tool_result", "tool_use_id": "d"}]
            """)
        #expect(decoded == [
            .toolResult(ToolResultBlock(toolUseID: "a", content: [.text(TextBlock(text: "text"))])),
            .toolResult(ToolResultBlock(toolUseID: "b", content: [.text(TextBlock(text: "x")), .image(ImageBlock(source: .url("u")))])),
            .toolResult(ToolResultBlock(toolUseID: "c", content: [])),
            .toolResult(ToolResultBlock(toolUseID: "d", content: [])),
        ])
    }

    @Test("1 tool_use without input gets {}; thinking without signature gets an empty one")
    func defaults() throws {
        let decoded = try blocks(#"[{"type":"tool_use","id":"t","name":"n"},{"type":"thinking","thinking":"x"},{"type":"redacted_thinking"}]"#)
        #expect(decoded == [
            .toolUse(ToolUseBlock(id: "t", name: "n", input: .object([:]))),
            .thinking(ThinkingBlock(thinking: "x", signature: "")),
            .redactedThinking(data: ""),
        ])
    }

    @Test("1 every block type round-trips through its encoding")
    func roundTrip() throws {
        let all: [ContentBlock] = [
            .text(TextBlock(text: "hi")),
            .image(ImageBlock(source: .base64(mediaType: "image/webp", data: "UklGRg=="))),
            .image(ImageBlock(source: .url("https://e.x/i.jpg"))),
            .document(DocumentBlock(source: .text("plain"), title: "t")),
            .document(DocumentBlock(source: .url("https://e.x/d.pdf"))),
            .toolUse(ToolUseBlock(id: "i", name: "n", input: ["a": [1, 2], "b": nil])),
            .toolResult(ToolResultBlock(toolUseID: "i", content: [.text(TextBlock(text: "r"))], isError: true)),
            .thinking(ThinkingBlock(thinking: "th", signature: "s")),
            .redactedThinking(data: "d"),
        ]
        let again = try JSONDecoder().decode([ContentBlock].self, from: JSONEncoder().encode(all))
        #expect(again == all)
    }

    @Test("1 document source of an unknown type is an error naming the field")
    func badDocument() {
        #expect(throws: DecodingError.self) {
            try blocks(#"[{"type":"document","source":{"type":"file","file_id":"x"}}]"#)
        }
    }
}
