import Foundation
import OpenAIAPI
import Testing

@Suite("ChatRequest encoding")
struct ChatRequestTests {
    func json(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    @Test("2.9 nil fields are left out; max_tokens, not max_completion_tokens")
    func omitsNil() throws {
        var r = ChatRequest(model: "m", messages: [ChatMessage(role: .user, content: .text("hi"))])
        r.maxTokens = 5
        #expect(try json(r) == ["model": "m", "max_tokens": 5, "messages": [["role": "user", "content": "hi"]]])
    }

    @Test("2.5 assistant tool-call message with content \"\" encodes content, never null")
    func emptyContent() throws {
        let m = ChatMessage(role: .assistant, content: .text(""), toolCalls: [ToolCall(id: "c1", name: "f", arguments: "{}")])
        #expect(try json(m) == [
            "role": "assistant", "content": "",
            "tool_calls": [["id": "c1", "type": "function", "function": ["name": "f", "arguments": "{}"]]],
        ])
    }

    @Test("2.3 content parts: text and image_url")
    func parts() throws {
        let m = ChatMessage(role: .user, content: .parts([.imageURL("data:image/png;base64,AA"), .text("x")]))
        #expect(try json(m) == ["role": "user", "content": [
            ["type": "image_url", "image_url": ["url": "data:image/png;base64,AA"]], ["type": "text", "text": "x"],
        ]])
        let back = try JSONDecoder().decode(ChatMessage.self, from: JSONEncoder().encode(m))
        #expect(back == m)
    }

    @Test("2.10 stream_options.include_usage; tool messages carry tool_call_id")
    func streamOptions() throws {
        var r = ChatRequest(model: "m", messages: [ChatMessage(role: .tool, content: .text("r"), toolCallID: "c1")])
        r.stream = true
        r.streamOptions = StreamOptions(includeUsage: true)
        r.reasoningEffort = "low"
        r.parallelToolCalls = false
        #expect(try json(r) == [
            "model": "m", "stream": true, "stream_options": ["include_usage": true], "reasoning_effort": "low",
            "parallel_tool_calls": false, "messages": [["role": "tool", "content": "r", "tool_call_id": "c1"]],
        ])
    }
}
