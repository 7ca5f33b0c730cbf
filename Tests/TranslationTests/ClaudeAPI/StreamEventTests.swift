import ClaudeAPI
import Foundation
import Testing

@Suite("StreamEvent encoding")
struct StreamEventTests {
    let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    func frame(_ event: StreamEvent) throws -> String {
        String(decoding: try event.sseFrame(encoder: encoder), as: UTF8.self)
    }

    @Test("4 SSE frame is `event: <type>` + `data: <json>` + blank line")
    func frameFormat() throws {
        #expect(try frame(.contentBlockDelta(index: 2, delta: .text("hi")))
            == "event: content_block_delta\ndata: {\"delta\":{\"text\":\"hi\",\"type\":\"text_delta\"},\"index\":2,\"type\":\"content_block_delta\"}\n\n")
        #expect(try frame(.messageStop) == "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
        #expect(try frame(.ping) == "event: ping\ndata: {\"type\":\"ping\"}\n\n")
    }

    @Test("4.2 message_start carries usage with input, output and cache fields")
    func messageStartUsage() throws {
        let start = StreamEvent.messageStart(MessagesResponse(id: "msg_1", model: "claude-x", content: [], usage: Usage(inputTokens: 12)))
        #expect(try frame(start) == "event: message_start\ndata: {\"message\":{\"content\":[],\"id\":\"msg_1\",\"model\":\"claude-x\",\"role\":\"assistant\",\"stop_reason\":null,\"stop_sequence\":null,\"type\":\"message\",\"usage\":{\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"input_tokens\":12,\"output_tokens\":0}},\"type\":\"message_start\"}\n\n")
    }

    @Test("4.8 message_delta carries stop_reason, stop_sequence null and usage")
    func messageDelta() throws {
        let event = StreamEvent.messageDelta(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 5, outputTokens: 7, cacheReadInputTokens: 3))
        #expect(try frame(event) == "event: message_delta\ndata: {\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"type\":\"message_delta\",\"usage\":{\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":3,\"input_tokens\":5,\"output_tokens\":7}}\n\n")
    }

    @Test("4.9 error event shape")
    func errorEvent() throws {
        #expect(try frame(.error(APIError(.overloaded, "busy")))
            == "event: error\ndata: {\"error\":{\"message\":\"busy\",\"type\":\"overloaded_error\"},\"type\":\"error\"}\n\n")
    }

    @Test("4 every event round-trips through JSON")
    func roundTrip() throws {
        let events: [StreamEvent] = [
            .messageStart(MessagesResponse(id: "msg_1", model: "m", content: [], usage: Usage(inputTokens: 1))),
            .ping,
            .contentBlockStart(index: 0, block: .thinking(ThinkingBlock(thinking: "", signature: ""))),
            .contentBlockDelta(index: 0, delta: .thinking("t")),
            .contentBlockDelta(index: 0, delta: .signature("s")),
            .contentBlockStop(index: 0),
            .contentBlockStart(index: 1, block: .toolUse(ToolUseBlock(id: "toolu_1", name: "Bash", input: .object([:])))),
            .contentBlockDelta(index: 1, delta: .inputJSON("{\"a\":")),
            .contentBlockStop(index: 1),
            .messageDelta(stopReason: .toolUse, stopSequence: nil, usage: Usage(outputTokens: 3)),
            .messageStop,
            .error(APIError(.api, "x")),
        ]
        for event in events {
            let data = try JSONEncoder().encode(event)
            #expect(try JSONDecoder().decode(StreamEvent.self, from: data) == event)
        }
    }

    @Test("5 every error type has the status of section 5")
    func statuses() {
        let expected: [APIErrorType: Int] = [
            .invalidRequest: 400, .authentication: 401, .billing: 402, .permission: 403, .notFound: 404,
            .requestTooLarge: 413, .rateLimit: 429, .api: 500, .timeout: 504, .overloaded: 529,
        ]
        for type in APIErrorType.allCases { #expect(type.httpStatus == expected[type]) }
        #expect(APIErrorType.requestTooLarge.rawValue == "request_too_large")
    }

    @Test("5 error body is {type: error, error: {type, message}}")
    func errorBody() throws {
        let data = try encoder.encode(ErrorResponse(error: APIError(.notFound, "gone")))
        #expect(String(decoding: data, as: UTF8.self) == #"{"error":{"message":"gone","type":"not_found_error"},"type":"error"}"#)
    }

    @Test("3 response shape: id, type, role, model, content, stop_reason, stop_sequence null, usage")
    func responseShape() throws {
        let r = MessagesResponse(id: "msg_9", model: "claude-x", content: [.text(TextBlock(text: "a"))], stopReason: .endTurn)
        let data = try encoder.encode(r)
        #expect(String(decoding: data, as: UTF8.self) == #"{"content":[{"text":"a","type":"text"}],"id":"msg_9","model":"claude-x","role":"assistant","stop_reason":"end_turn","stop_sequence":null,"type":"message","usage":{"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"input_tokens":0,"output_tokens":0}}"#)
    }
}
