import Foundation
import OpenAIAPI
import Testing

@Suite("ChatChunk decoding")
struct ChatChunkTests {
    @Test("4.7 JSON nulls, unknown fields and the deprecated function_call are tolerated")
    func nulls() throws {
        let c = try decodeChunk(#"{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","system_fingerprint":null,"choices":[{"index":0,"finish_reason":null,"logprobs":null,"delta":{"role":null,"content":null,"function_call":{"name":"f","arguments":"{"},"tool_calls":null}}],"usage":null}"#)
        #expect(c.choices.count == 1)
        #expect(c.choices[0].delta == ChatChunk.Delta())
        #expect(c.usage == nil && c.error == nil)
    }

    @Test("4.7 empty choices and missing choices give no choices; tool_calls [] is fine")
    func emptyChoices() throws {
        #expect(try decodeChunk(#"{"choices":[]}"#).choices.isEmpty)
        #expect(try decodeChunk(#"{"id":"x"}"#).choices.isEmpty)
        #expect(try decodeChunk(#"{"choices":null}"#).choices.isEmpty)
        #expect(try decodeChunk(#"{"choices":[{"index":0,"delta":{"tool_calls":[]}}]}"#).choices[0].delta.toolCalls == [])
    }

    @Test("3 reasoning under either name: reasoning_content or reasoning")
    func reasoningNames() throws {
        #expect(try decodeChunk(#"{"choices":[{"delta":{"reasoning_content":"a"}}]}"#).choices[0].delta.reasoningText == "a")
        #expect(try decodeChunk(#"{"choices":[{"delta":{"reasoning":"b"}}]}"#).choices[0].delta.reasoningText == "b")
    }

    @Test("3 vLLM stop_reason: a string is the matched stop, a number is ignored")
    func stopReason() throws {
        #expect(try decodeChunk(#"{"choices":[{"delta":{},"finish_reason":"stop","stop_reason":"END"}]}"#).choices[0].matchedStop == "END")
        #expect(try decodeChunk(#"{"choices":[{"delta":{},"finish_reason":"stop","stop_reason":151643}]}"#).choices[0].matchedStop == nil)
        #expect(try decodeChunk(#"{"choices":[{"delta":{},"finish_reason":"stop","stop_reason":null}]}"#).choices[0].matchedStop == nil)
    }

    @Test("3 usage with and without prompt_tokens_details.cached_tokens")
    func usage() throws {
        #expect(try decodeChunk(#"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}}"#).usage
            == ChatUsage(promptTokens: 10, completionTokens: 2))
        #expect(try decodeChunk(#"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":8}}}"#).usage
            == ChatUsage(promptTokens: 10, completionTokens: 2, cachedTokens: 8))
        #expect(try decodeChunk(#"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":2,"prompt_tokens_details":null}}"#).usage?.cachedTokens == 0)
    }

    @Test("4.9 an error frame decodes with its error object")
    func errorFrame() throws {
        let c = try decodeChunk(#"{"error":{"message":"boom","type":"server_error","code":500}}"#)
        #expect(c.error?["message"] == "boom")
        #expect(c.choices.isEmpty)
    }

    @Test("3 a non-streaming answer carries message where a chunk carries delta")
    func messageShape() throws {
        let data = try Fixtures.data("upstream/llamacpp-forced-tool-call.json")
        let r = try JSONDecoder().decode(ChatResponse.self, from: data)
        #expect(r.choices[0].finishReason == "tool_calls")
        #expect(r.choices[0].delta.content == nil)
        #expect(r.choices[0].delta.toolCalls?.first?.function?.name == "get_weather")
        #expect(r.choices[0].delta.toolCalls?.first?.function?.arguments == #"{ "city": "Paris" }"#)
        #expect(r.usage == ChatUsage(promptTokens: 34, completionTokens: 8))
    }

    @Test("4.6 tool call fragments: index, id, name and arguments all optional")
    func toolCallFragments() throws {
        let c = try decodeChunk(#"{"choices":[{"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\"a\""}},{"id":"call_2","type":"function","function":{"name":"Bash"}}]}}]}"#)
        let calls = try #require(c.choices[0].delta.toolCalls)
        #expect(calls.map(\.index) == [1, nil])
        #expect(calls.map(\.id) == [nil, "call_2"])
        #expect(calls.map(\.type) == [nil, "function"])
        #expect(calls.map(\.function) == [ChatChunk.FunctionDelta(arguments: #"{"a""#), ChatChunk.FunctionDelta(name: "Bash")])
    }
}
