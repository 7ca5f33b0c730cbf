import Foundation
import OpenAIAPI
import ScriptedUpstream
import Testing

@Suite struct ChunkScriptTests {
    func script(
        _ answer: Answer, _ shape: Shape = Shape(), request: ChatRequest? = nil, includeUsage: Bool = false
    ) -> ChunkScript {
        var n = 0
        return ChunkScript(
            answer: answer, shape: shape, request: request ?? chat("hello there"), id: "chatcmpl-1", created: 1,
            includeUsage: includeUsage,
            newCallID: {
                n += 1
                return "call_\(n)"
            })
    }

    func chunks(_ payloads: [String]) throws -> [ChatChunk] {
        try payloads.filter { $0 != "[DONE]" }.map { try JSONDecoder().decode(ChatChunk.self, from: Data($0.utf8)) }
    }

    func toolDeltas(_ payloads: [String]) throws -> [ChatChunk.ToolCallDelta] {
        try chunks(payloads).flatMap(\.choices).flatMap { $0.delta.toolCalls ?? [] }
    }

    @Test func textStreamShape() throws {
        let payloads = script(.text("one two three", chunks: nil)).streamPayloads(done: true)
        #expect(payloads.last == "[DONE]")
        let chunks = try chunks(payloads)
        #expect(chunks.first?.choices.first?.delta.role == "assistant")
        #expect(contentText(chunks) == "one two three")
        #expect(chunks.map { $0.choices.first?.delta.content }.dropFirst().dropLast() == ["one", " two", " three"])
        #expect(chunks.last?.choices.first?.finishReason == "stop")
        #expect(chunks.allSatisfy { $0.usage == nil })
    }

    @Test func textInNChunks() throws {
        let chunks = try chunks(script(.text("abcdefghij", chunks: 3)).streamPayloads(done: false))
        #expect(chunks.compactMap { $0.choices.first?.delta.content }.filter { !$0.isEmpty } == ["abc", "def", "ghij"])
    }

    @Test func noDoneWhenAsked() {
        #expect(!script(.echo).streamPayloads(done: false).contains("[DONE]"))
    }

    @Test func usageChunkComesAfterFinishReason() throws {
        let payloads = script(.text("hi"), includeUsage: true).streamPayloads(done: true)
        let chunks = try chunks(payloads)
        let usage = try #require(chunks.last)
        #expect(usage.choices.isEmpty)
        #expect(usage.usage != nil)
        #expect(chunks[chunks.count - 2].choices.first?.finishReason == "stop")
    }

    @Test func echoQuotesTheLastUserMessage() throws {
        let chunks = try chunks(script(.echo, request: chat("what is the weather in Paris today")).streamPayloads(done: true))
        #expect(contentText(chunks) == "You said: what is the weather in Paris today")
    }

    @Test(arguments: [ReasoningField.reasoningContent, .reasoning])
    func reasoningThenText(_ field: ReasoningField) throws {
        let payloads = script(.reasoning("think hard", text: "answer", field: field)).streamPayloads(done: true)
        #expect(payloads.contains { $0.contains("\"\(field.rawValue)\"") })
        let chunks = try chunks(payloads)
        #expect(chunks.compactMap { $0.choices.first?.delta.reasoningText }.joined() == "think hard")
        #expect(contentText(chunks) == "answer")
    }

    @Test func thinkTagsInsideContent() throws {
        let chunks = try chunks(script(.thinkTags("hmm", text: "Answer", chunks: 5)).streamPayloads(done: true))
        #expect(contentText(chunks) == "<think>hmm</think>Answer")
    }

    @Test func standardToolCall() throws {
        let call = ScriptedToolCall(name: "get_weather", arguments: #"{"city":"Paris"}"#)
        let payloads = script(.toolCalls([call], style: ToolCallStyle(pieceSize: 4))).streamPayloads(done: true)
        let deltas = try toolDeltas(payloads)
        #expect(deltas.first?.id == "call_1")
        #expect(deltas.first?.function?.name == "get_weather")
        #expect(deltas.dropFirst().allSatisfy { $0.id == nil && $0.function?.name == nil })
        #expect(deltas.compactMap { $0.function?.arguments }.joined() == #"{"city":"Paris"}"#)
        #expect(deltas.dropFirst().allSatisfy { ($0.function?.arguments?.count ?? 0) <= 4 })
        #expect(try chunks(payloads).last?.choices.first?.finishReason == "tool_calls")
    }

    @Test func llamaCppRepeatsIDAndNameInEveryFragment() throws {
        let call = ScriptedToolCall(name: "get_weather", arguments: #"{"city":"Paris"}"#)
        let deltas = try toolDeltas(script(.toolCalls([call], style: .llamaCpp)).streamPayloads(done: true))
        #expect(deltas.count > 1)
        #expect(deltas.allSatisfy { $0.id == "call_1" && $0.function?.name == "get_weather" && $0.index == 0 })
        #expect(deltas.compactMap { $0.function?.arguments }.joined() == #"{"city":"Paris"}"#)
    }

    @Test func missingIDs() throws {
        let call = ScriptedToolCall(name: "f", arguments: #"{"a":1}"#)
        let deltas = try toolDeltas(script(.toolCalls([call], style: ToolCallStyle(omitIDs: true))).streamPayloads(done: true))
        #expect(deltas.allSatisfy { $0.id == nil })
        #expect(deltas.first?.function?.name == "f")
    }

    @Test func parallelCallsInterleave() throws {
        let calls = [ScriptedToolCall(name: "a", arguments: #"{"x":"111111"}"#), ScriptedToolCall(name: "b", arguments: #"{"y":"222222"}"#)]
        let deltas = try toolDeltas(
            script(.toolCalls(calls, style: ToolCallStyle(interleave: true, pieceSize: 4))).streamPayloads(done: true))
        #expect(Array(deltas.prefix(4).map(\.index)) == [0, 1, 0, 1])
        #expect(deltas.filter { $0.index == 0 }.compactMap { $0.function?.arguments }.joined() == #"{"x":"111111"}"#)
        #expect(deltas.filter { $0.index == 1 }.compactMap { $0.function?.arguments }.joined() == #"{"y":"222222"}"#)
        #expect(Set(deltas.compactMap(\.id)) == ["call_1", "call_2"])
    }

    @Test func emptyNamesTakeTheRequestTools() throws {
        let request = chat("go", tools: ["Read", "Write"])
        let calls = [ScriptedToolCall(name: ""), ScriptedToolCall(name: "")]
        let deltas = try toolDeltas(script(.toolCalls(calls), request: request).streamPayloads(done: true))
        #expect(deltas.compactMap { $0.function?.name } == ["Read", "Write"])
    }

    @Test func bashUsesTheRequestsBashTool() throws {
        let request = chat("run", tools: ["Read", "Bash"])
        let deltas = try toolDeltas(script(.bash(command: "ls -la"), request: request).streamPayloads(done: true))
        #expect(deltas.first?.function?.name == "Bash")
        let arguments = deltas.compactMap { $0.function?.arguments }.joined()
        #expect(JSONValue(parsing: arguments) == ["command": "ls -la"])
    }

    @Test func imageCount() throws {
        var request = chat("x")
        request.messages = [
            ChatMessage(role: .user, content: .parts([.imageURL("data:image/png;base64,AAAA"), .text("what?")])),
            ChatMessage(role: .assistant, content: .text("a cat")),
            ChatMessage(role: .user, content: .parts([.imageURL("https://x/y.png"), .imageURL("https://x/z.png"), .text("and?")])),
        ]
        #expect(contentText(try chunks(script(.imageCount, request: request).streamPayloads(done: true))) == "I received 3 images.")
    }

    @Test func hugeAnswerHasExactlyTheBytesAsked() throws {
        let chunks = try chunks(script(.huge(bytes: 100_003, chunkSize: 1000)).streamPayloads(done: true))
        #expect(contentText(chunks).utf8.count == 100_003)
    }

    @Test func nonStreamedBodyIsTheMergeOfTheStream() throws {
        let calls = [ScriptedToolCall(id: "c1", name: "a", arguments: #"{"x":1}"#), ScriptedToolCall(id: "c2", name: "b", arguments: "{}")]
        let body = script(.toolCalls(calls, style: ToolCallStyle(repeatHeaders: true, interleave: true, pieceSize: 2), text: "ok"), includeUsage: true)
            .completionBody()
        let json = try #require(JSONValue(parsing: body))
        let message = try #require(json["choices"]?.arrayValue?.first?["message"])
        #expect(message["content"] == "ok")
        #expect(message["tool_calls"]?.arrayValue?.count == 2)
        #expect(message["tool_calls"]?.arrayValue?.first?["function"]?["arguments"] == #"{"x":1}"#)
        #expect(message["tool_calls"]?.arrayValue?.last?["id"] == "c2")
        #expect(json["choices"]?.arrayValue?.first?["finish_reason"] == "tool_calls")
        #expect(json["usage"]?["total_tokens"] != nil)
        // Also readable with the wire type.
        let response = try JSONDecoder().decode(ChatResponse.self, from: Data(body.utf8))
        #expect(response.choices.first?.delta.toolCalls?.count == 2)
    }

    @Test func toolResultAckQuotesTheToolOutput() throws {
        var request = chat("run")
        request.messages += [
            ChatMessage(role: .assistant, content: nil, toolCalls: [ToolCall(id: "c1", name: "Bash", arguments: "{}")]),
            ChatMessage(role: .tool, content: .text("nebius-tool-ok\n"), toolCallID: "c1"),
        ]
        #expect(contentText(try chunks(script(.toolResultAck, request: request).streamPayloads(done: true))).contains("nebius-tool-ok"))
    }

    @Test func jsonStringEscaping() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} emoji 🌍"
        #expect(contentText(try chunks(script(.text(text, chunks: 1)).streamPayloads(done: true))) == text)
    }
}
