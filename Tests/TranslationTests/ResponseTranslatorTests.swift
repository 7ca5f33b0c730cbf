import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

/// Non-streaming answers (PROTOCOL section 3).
@Suite("ResponseTranslator (PROTOCOL 3)")
struct ResponseTranslatorTests {
    func response(_ json: String) throws -> ChatResponse {
        try JSONDecoder().decode(ChatResponse.self, from: Data(json.utf8))
    }

    func translateResponse(_ r: ChatResponse, toolNames: ToolNameMap = ToolNameMap()) -> Result<MessagesResponse, APIError> {
        ResponseTranslator(requestedModel: testModel, messageID: testMessageID, toolNames: toolNames, estimatedInputTokens: 100).translate(r)
    }

    func message(_ json: String) throws -> MessagesResponse {
        try translateResponse(response(json)).get()
    }

    @Test("3 content order: thinking, then text, then one tool_use per call")
    func order() throws {
        let m = try message("""
            {"id":"x","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant",
             "reasoning_content":"I will check.","content":"Checking both.",
             "tool_calls":[{"id":"call_1","type":"function","function":{"name":"Read","arguments":"{\\"path\\":\\"a\\"}"}},
                           {"id":"call_2","type":"function","function":{"name":"Bash","arguments":"{\\"command\\":\\"ls\\"}"}}]}}],
             "usage":{"prompt_tokens":100,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":60}}}
            """)
        #expect(m.content == [
            .thinking(ThinkingBlock(thinking: "I will check.", signature: StreamTranslator.thinkingSignature)),
            text("Checking both."),
            toolUse("call_1", "Read", ["path": "a"]),
            toolUse("call_2", "Bash", ["command": "ls"]),
        ])
        #expect(m.stopReason == .toolUse)
        #expect(m.usage == Usage(inputTokens: 40, outputTokens: 20, cacheCreationInputTokens: 0, cacheReadInputTokens: 60))
    }

    @Test("3 reasoning under the name reasoning; <think> at the start of content")
    func reasoningSources() throws {
        let a = try message(#"{"choices":[{"message":{"reasoning":"r","content":"t"},"finish_reason":"stop"}]}"#)
        #expect(a.content == [.thinking(ThinkingBlock(thinking: "r", signature: StreamTranslator.thinkingSignature)), text("t")])
        let b = try message(#"{"choices":[{"message":{"content":"<think>\nr\n</think>\n\nt"},"finish_reason":"stop"}]}"#)
        #expect(b.content == [.thinking(ThinkingBlock(thinking: "\nr\n", signature: StreamTranslator.thinkingSignature)), text("t")])
    }

    @Test("3 always at least one block: an empty text block when there is nothing else")
    func atLeastOneBlock() throws {
        #expect(try message(#"{"choices":[{"message":{"content":null},"finish_reason":"stop"}]}"#).content == [text("")])
        #expect(try message(#"{"choices":[{"message":{"content":""},"finish_reason":"length"}]}"#).content == [text("")])
        #expect(try message(#"{"choices":[]}"#).content == [text("")])
    }

    @Test("3 empty text is left out when there are tool calls")
    func noEmptyTextWithTools() throws {
        let m = try message(#"{"choices":[{"message":{"content":"","tool_calls":[{"id":"c","type":"function","function":{"name":"A","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}"#)
        #expect(m.content == [toolUse("c", "A")])
    }

    @Test("3 tool_use.id kept when safe, derived when not (functions.X:0), synthesized when missing")
    func toolIDs() throws {
        let m = try message("""
            {"choices":[{"message":{"tool_calls":[
              {"id":"call_AZaz09-_","type":"function","function":{"name":"A","arguments":"{}"}},
              {"id":"functions.Bash:0","type":"function","function":{"name":"Bash","arguments":"{}"}},
              {"type":"function","function":{"name":"C","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}
            """)
        let ids = m.content.compactMap { if case .toolUse(let u) = $0 { return u.id } else { return nil } }
        #expect(ids.count == 3)
        #expect(ids[0] == "call_AZaz09-_")
        #expect(ids[1] == "functions_Bash_0")
        #expect(ids[2].hasPrefix("toolu_"))
        for id in ids { #expect(id.range(of: "^[a-zA-Z0-9_-]+$", options: .regularExpression) != nil) }
        #expect(Set(ids).count == 3)
    }

    @Test("3 input is the parsed arguments; invalid JSON repaired if trivially possible, else {}", arguments: [
        (#"{"a": 1}"#, ["a": 1]),
        (#"{"a": 1,"#, ["a": 1]),
        (#"{"a": 1,}"#, ["a": 1]),
        (#"{"a": [1, 2,], "b": {"c": 3,},}"#, ["a": [1, 2], "b": ["c": 3]]),
        (#"{"s": "keep ,} this", "t": 2,"#, ["s": "keep ,} this", "t": 2]),
        (#"{"a": {"b": [1, 2"#, ["a": ["b": [1, 2]]]),
        (#"{"path": "x"#, ["path": "x"]),
        ("", [:]),
        ("   ", [:]),
        ("not json at all", [:]),
        ("[1, 2]", [:]),
        (#""{\"a\": 1}""#, ["a": 1]),
    ] as [(String, JSONValue)])
    func inputRepair(arguments: String, expected: JSONValue) throws {
        let call = ChatChunk.ToolCallDelta(index: nil, id: "c", name: "T", arguments: arguments)
        let r = ChatResponse(choices: [ChatChunk.Choice(index: 0, delta: ChatChunk.Delta(toolCalls: [call]), finishReason: "tool_calls")])
        let m = try translateResponse(r).get()
        #expect(m.content == [toolUse("c", "T", expected)])
    }

    @Test("3 stop_reason mapping", arguments: [
        ("stop", nil, StopReason.endTurn, nil), ("length", nil, .maxTokens, nil), ("tool_calls", nil, .toolUse, nil),
        ("content_filter", nil, .refusal, nil), ("stop", "</answer>", .stopSequence, "</answer>"),
    ] as [(String, String?, StopReason, String?)])
    func stopReasons(finish: String, stop: String?, reason: StopReason, sequence: String?) throws {
        let stopField = stop.map { #","stop_reason":"\#($0)""# } ?? ""
        let m = try message(#"{"choices":[{"message":{"content":"x"},"finish_reason":"\#(finish)"\#(stopField)}]}"#)
        #expect(m.stopReason == reason)
        #expect(m.stopSequence == sequence)
    }

    @Test("3 usage: input = prompt - cached, cache_read = cached, cache_creation = 0, output = completion")
    func usage() throws {
        let m = try message(#"{"choices":[{"message":{"content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1000,"completion_tokens":42,"total_tokens":1042,"prompt_tokens_details":{"cached_tokens":900}}}"#)
        #expect(m.usage == Usage(inputTokens: 100, outputTokens: 42, cacheCreationInputTokens: 0, cacheReadInputTokens: 900))
    }

    @Test("3 shape: msg id, type message, role assistant, the requested model, stop_sequence null")
    func shape() throws {
        let m = try message(#"{"model":"upstream/model","choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}"#)
        let json = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(m))
        #expect(json["id"] == "msg_test")
        #expect(json["type"] == "message")
        #expect(json["role"] == "assistant")
        #expect(json["model"] == .string(testModel))
        #expect(json["stop_reason"] == "end_turn")
        #expect(json["stop_sequence"] == .null)
        #expect(json["content"] == [["type": "text", "text": "hi"]])
        #expect(json["usage"]?.objectValue?.keys.sorted() == ["cache_creation_input_tokens", "cache_read_input_tokens", "input_tokens", "output_tokens"])
    }

    @Test("3 an error body instead of an answer is a failure")
    func errorBody() throws {
        let r = try response(#"{"error":{"message":"bad things","type":"server_error"}}"#)
        guard case .failure(let e) = translateResponse(r) else { Issue.record("expected failure"); return }
        #expect(e.message.contains("bad things"))
    }

    @Test("2.7 a shortened tool name is restored in the answer")
    func longName() throws {
        var names = ToolNameMap()
        let long = String(repeating: "very_long_tool_name_", count: 5)
        let short = names.upstreamName(for: long)
        let call = ChatChunk.ToolCallDelta(index: nil, id: "c", name: short, arguments: "{}")
        let r = ChatResponse(choices: [ChatChunk.Choice(index: 0, delta: ChatChunk.Delta(toolCalls: [call]), finishReason: "tool_calls")])
        #expect(try translateResponse(r, toolNames: names).get().content == [toolUse("c", long)])
    }

    @Test("3 llama.cpp forced tool call (non-stream fixture)")
    func llamaToolCall() throws {
        let r = try JSONDecoder().decode(ChatResponse.self, from: Fixtures.data("upstream/llamacpp-forced-tool-call.json"))
        let m = try translateResponse(r).get()
        #expect(m.content == [toolUse("call__0_get_weather_cmpl-f9b0dddb-ea23-4878-974c-0d495b93f171", "get_weather", ["city": "Paris"])])
        #expect(m.stopReason == .toolUse)
        #expect(m.usage == Usage(inputTokens: 34, outputTokens: 8))
        #expect(m.model == testModel)
    }

    @Test("3 the unknown-model answer (200 from llama.cpp) translates; the model echoed is the requested one")
    func unknownModelAnswer() throws {
        let (status, body) = try Fixtures.upstreamError("llamacpp-unknown-model.txt")
        #expect(status == 200)
        let m = try translateResponse(JSONDecoder().decode(ChatResponse.self, from: Data(body))).get()
        #expect(m.content == [text("Hello! I'shine. I'm here to help you with your business")])
        #expect(m.stopReason == .maxTokens)
        #expect(m.model == testModel)
        #expect(m.usage == Usage(inputTokens: 31, outputTokens: 16))
    }

    @Test("4.10 the fold of the llama.cpp stream equals the non-stream answer (same call, input, stop reason)")
    func streamMatchesNonStream() throws {
        let streamed = try #require(fold(translate(Fixtures.chunks("llamacpp-forced-tool-call.sse"))).message)
        let whole = try translateResponse(JSONDecoder().decode(ChatResponse.self, from: Fixtures.data("upstream/llamacpp-forced-tool-call.json"))).get()
        func shape(_ m: MessagesResponse) -> [String] {
            m.content.map { if case .toolUse(let u) = $0 { return "\(u.name) \(u.input.compactText)" } else { return $0.type } }
        }
        #expect(shape(streamed) == shape(whole))
        #expect(streamed.stopReason == whole.stopReason)
    }
}
