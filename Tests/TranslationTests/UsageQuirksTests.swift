import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

/// Usage as Nebius sends it: `prompt_tokens_details: null`, `completion_tokens_details: null`,
/// a top-level `reasoning_tokens`; cached tokens, when reported, in
/// `prompt_tokens_details.cached_tokens` (PROTOCOL 3: input excludes them).
@Suite("Usage quirks (PROTOCOL 3)")
struct UsageQuirksTests {
    static let quirkyUsages: [(json: String, usage: ChatUsage)] = [
        (#"{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120,"prompt_tokens_details":null,"completion_tokens_details":null,"reasoning_tokens":12}"#,
         ChatUsage(promptTokens: 100, completionTokens: 20)),
        (#"{"prompt_tokens":100,"total_tokens":120,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":60},"completion_tokens_details":null,"reasoning_tokens":0}"#,
         ChatUsage(promptTokens: 100, completionTokens: 20, cachedTokens: 60)),
        (#"{"prompt_tokens":100,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":60,"audio_tokens":null},"completion_tokens_details":{"reasoning_tokens":12,"accepted_prediction_tokens":null}}"#,
         ChatUsage(promptTokens: 100, completionTokens: 20, cachedTokens: 60)),
        (#"{"reasoning_tokens":12,"prompt_tokens_details":{},"completion_tokens_details":{},"prompt_tokens":100,"completion_tokens":20}"#,
         ChatUsage(promptTokens: 100, completionTokens: 20)),
        (#"{"prompt_tokens":100,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":null},"reasoning_tokens":null}"#,
         ChatUsage(promptTokens: 100, completionTokens: 20)),
    ]

    /// Decodes `json` with both decoders, checking that the fast path accepts it and agrees.
    func decodedBoth(_ json: String) throws -> ChatChunk {
        let bytes = Array(json.utf8)
        let slow = try JSONDecoder().decode(ChatChunk.self, from: Data(bytes))
        let fast = bytes.withUnsafeBufferPointer { ChatChunk.fastDecode($0) }
        #expect(fast == slow, "fast path: \(json)")
        #expect(try ChatChunk.decode(json: bytes) == slow)
        return slow
    }

    @Test("3 usage with null details and a top-level reasoning_tokens decodes, through JSONDecoder and the fast path", arguments: 0..<5)
    func decoding(index i: Int) throws {
        let (json, expected) = Self.quirkyUsages[i]
        #expect(try decodedBoth(#"{"id":"c","object":"chat.completion.chunk","choices":[],"usage":\#(json)}"#).usage == expected)
        // The same usage inside a non-streaming answer.
        let answer = try decodedBoth(#"{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":\#(json)}"#)
        #expect(answer.usage == expected)
        #expect(answer.choices.first?.delta.content == "ok")
    }

    @Test("3 streamed: the quirky usage chunk after finish_reason gives input = prompt - cached, cache_read = cached, output = completion", arguments: 0..<5)
    func streamed(index i: Int) throws {
        let (json, expected) = Self.quirkyUsages[i]
        let usageChunk = try decodedBoth(#"{"id":"c","object":"chat.completion.chunk","model":"zai-org/GLM-5.2","choices":[],"usage":\#(json)}"#)
        let events = translate([chunk(content: "ok"), chunk(finish: "stop"), usageChunk])
        #expect(invariantViolations(events).isEmpty)
        let usage = Usage(
            inputTokens: expected.promptTokens - expected.cachedTokens, outputTokens: expected.completionTokens,
            cacheCreationInputTokens: 0, cacheReadInputTokens: expected.cachedTokens)
        #expect(Array(events.suffix(2)) == E.end(.endTurn, usage: usage))
    }

    @Test("3 non-streaming: the quirky usage gives the same numbers as the stream", arguments: 0..<5)
    func nonStreamed(index i: Int) throws {
        let (json, expected) = Self.quirkyUsages[i]
        let answer = try decodedBoth(#"{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":\#(json)}"#)
        let message = try ResponseTranslator(requestedModel: testModel, messageID: testMessageID, estimatedInputTokens: 7).translate(answer).get()
        #expect(message.usage == Usage(
            inputTokens: expected.promptTokens - expected.cachedTokens, outputTokens: expected.completionTokens,
            cacheCreationInputTokens: 0, cacheReadInputTokens: expected.cachedTokens))
        #expect(message.content == [text("ok")])
    }

    @Test("3 usage in the last content chunk (no separate usage chunk) with null details is read")
    func usageOnLastChunk() throws {
        let last = try decodedBoth(
            #"{"choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":3,"prompt_tokens_details":null,"completion_tokens_details":null,"reasoning_tokens":1}}"#)
        let events = translate([chunk(content: "Hi"), last])
        #expect(Array(events.suffix(2)) == E.end(.endTurn, usage: Usage(inputTokens: 9, outputTokens: 3)))
    }

    @Test("3 more cached than prompt (a confused server) never gives negative input")
    func cachedBeyondPrompt() throws {
        let usage = try decodedBoth(#"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":12}}}"#)
        let events = translate([chunk(content: "x"), usage])
        #expect(Array(events.suffix(2)) == E.end(.endTurn, usage: Usage(inputTokens: 0, outputTokens: 1, cacheReadInputTokens: 12)))
    }
}
