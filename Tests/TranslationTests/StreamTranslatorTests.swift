import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

/// Golden event sequences for the stream state machine (PROTOCOL section 4).
@Suite("StreamTranslator (PROTOCOL 4)")
struct StreamTranslatorTests {
    /// Usage when the upstream sent none: the input estimate and ~4 characters per output token.
    func estimated(_ outputCharacters: Int) -> Usage { Usage(inputTokens: 100, outputTokens: (outputCharacters + 3) / 4) }

    @Test("4.2 message_start first, once, with the requested model, id and usage (pings: ProxyServer)")
    func messageStart() {
        var t = makeTranslator(input: 1234)
        let events = t.start()
        #expect(events == [
            .messageStart(MessagesResponse(id: testMessageID, model: testModel, content: [], usage: Usage(inputTokens: 1234, outputTokens: 0))),
        ])
        #expect(t.start() == [])
        // receive() starts the message itself when start() was not called.
        var u = makeTranslator()
        let first = u.receive(chunk(content: "x"))
        guard case .messageStart? = first.first else { Issue.record("no message_start first"); return }
        #expect(first.dropFirst().first == E.textStart(0))
    }

    @Test("4.5 text only; no empty text block up front")
    func textOnly() {
        let events = translate([
            chunk(content: ""), chunk(content: "Hel"), chunk(content: "lo"), chunk(finish: "stop"),
            usageChunk(prompt: 10, completion: 2),
        ])
        #expect(body(events) == [E.textStart(0), E.text(0, "Hel"), E.text(0, "lo"), E.stop(0)]
            + E.end(.endTurn, usage: Usage(inputTokens: 10, outputTokens: 2)))
        #expect(invariantViolations(events) == [])
    }

    @Test("4.4 reasoning then text: thinking block signed before it closes")
    func reasoningThenText() {
        let events = translate([chunk(reasoningContent: "Let me"), chunk(reasoningContent: " think"), chunk(content: "Answer"), chunk(finish: "stop")])
        #expect(body(events) == [
            E.thinkingStart(0), E.thinking(0, "Let me"), E.thinking(0, " think"), E.signature(0), E.stop(0),
            E.textStart(1), E.text(1, "Answer"), E.stop(1),
        ] + E.end(.endTurn, usage: estimated(18)))
        #expect(invariantViolations(events) == [])
    }

    @Test("4.4 reasoning, tool call, then reasoning again opens a new thinking block")
    func reasoningToolReasoning() {
        let events = translate([
            chunk(reasoningContent: "a"),
            chunk(tools: [call(0, id: "call_1", name: "Bash", args: #"{"command":"#)]),
            chunk(tools: [call(0, args: #""ls"}"#)]),
            chunk(reasoningContent: "b"),
            chunk(finish: "tool_calls"),
        ])
        #expect(body(events) == [
            E.thinkingStart(0), E.thinking(0, "a"), E.signature(0), E.stop(0),
            E.toolStart(1, id: "call_1", name: "Bash"), E.json(1, #"{"command":"#), E.json(1, #""ls"}"#), E.stop(1),
            E.thinkingStart(2), E.thinking(2, "b"), E.signature(2), E.stop(2),
        ] + E.end(.toolUse, usage: estimated(18)))
        #expect(invariantViolations(events) == [])
    }

    @Test("4.6 two parallel tool calls whose fragments interleave: second buffered, flushed when it opens")
    func parallelInterleaved() {
        let events = translate([
            chunk(tools: [call(0, id: "call_a", name: "Read", args: "")]),
            chunk(tools: [call(1, id: "call_b", name: "Bash", args: "")]),
            chunk(tools: [call(0, args: #"{"path":"#)]),
            chunk(tools: [call(1, args: #"{"command":"#)]),
            chunk(tools: [call(0, args: #""a.txt"}"#)]),
            chunk(tools: [call(1, args: #""ls"}"#)]),
            chunk(finish: "tool_calls"),
            usageChunk(prompt: 40, completion: 12, cached: 32),
        ])
        #expect(body(events) == [
            E.toolStart(0, id: "call_a", name: "Read"), E.json(0, #"{"path":"#), E.json(0, #""a.txt"}"#), E.stop(0),
            E.toolStart(1, id: "call_b", name: "Bash"), E.json(1, #"{"command":"ls"}"#), E.stop(1),
        ] + E.end(.toolUse, usage: Usage(inputTokens: 8, outputTokens: 12, cacheReadInputTokens: 32)))
        #expect(invariantViolations(events) == [])
        let message = fold(events).message
        #expect(message?.content == [toolUse("call_a", "Read", ["path": "a.txt"]), toolUse("call_b", "Bash", ["command": "ls"])])
    }

    @Test("4.6 two calls in one chunk, each complete")
    func twoCallsOneChunk() {
        let events = translate([
            chunk(tools: [call(0, id: "c1", name: "A", args: #"{"x":1}"#), call(1, id: "c2", name: "B", args: #"{"y":2}"#)]),
            chunk(finish: "tool_calls"),
        ])
        #expect(body(events) == [
            E.toolStart(0, id: "c1", name: "A"), E.json(0, #"{"x":1}"#), E.stop(0),
            E.toolStart(1, id: "c2", name: "B"), E.json(1, #"{"y":2}"#), E.stop(1),
        ] + E.end(.toolUse, usage: estimated(14)))
    }

    @Test("4.6 id and name repeated in every fragment (llama.cpp): one call, name not concatenated")
    func repeatedIDAndName() throws {
        let chunks = try Fixtures.chunks("llamacpp-forced-tool-call.sse")
        let events = translate(chunks)
        let id = "call__0_get_weather_cmpl-5fdb7d24-cc28-4c13-9122-89b5d0de85b8"
        #expect(body(events) == [
            E.toolStart(0, id: id, name: "get_weather"),
            E.json(0, "{"), E.json(0, " \""), E.json(0, "city"), E.json(0, "\":"), E.json(0, " \""), E.json(0, "Paris"),
            E.json(0, "\""), E.json(0, " }"), E.stop(0),
        ] + E.end(.toolUse, usage: estimated(19)))
        #expect(invariantViolations(events) == [])
        #expect(fold(events).message?.content == [toolUse(id, "get_weather", ["city": "Paris"])])
    }

    @Test("4.6 repeated id without index still means the same call")
    func repeatedIDWithoutIndex() {
        let events = translate([
            chunk(tools: [call(nil, id: "call_x", name: "Bash", args: #"{"command""#)]),
            chunk(tools: [call(nil, id: "call_x", name: "Bash", args: #":"pwd"}"#)]),
            chunk(tools: [call(nil, id: "call_y", name: "Read", args: #"{}"#)]),
        ])
        #expect(body(events) == [
            E.toolStart(0, id: "call_x", name: "Bash"), E.json(0, #"{"command""#), E.json(0, #":"pwd"}"#), E.stop(0),
            E.toolStart(1, id: "call_y", name: "Read"), E.json(1, "{}"), E.stop(1),
        ] + E.end(.toolUse, usage: estimated(20)))
    }

    @Test("4.6 a new id at a reused index is a new call")
    func newIDSameIndex() {
        let events = translate([
            chunk(tools: [call(0, id: "first", name: "A", args: "{}")]),
            chunk(tools: [call(0, id: "second", name: "B", args: "{}")]),
        ])
        #expect(body(events) == [
            E.toolStart(0, id: "first", name: "A"), E.json(0, "{}"), E.stop(0),
            E.toolStart(1, id: "second", name: "B"), E.json(1, "{}"), E.stop(1),
        ] + E.end(.toolUse, usage: estimated(4)))
    }

    @Test("4.6 a missing id gets a synthesized toolu_ id")
    func missingID() {
        let events = translate([chunk(tools: [call(0, name: "Bash", args: #"{"command":"ls"}"#)]), chunk(finish: "tool_calls")])
        guard case .contentBlockStart(_, .toolUse(let use))? = body(events).first else { Issue.record("no tool_use"); return }
        #expect(use.id.hasPrefix("toolu_"))
        #expect(use.id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        #expect(invariantViolations(events) == [])
    }

    @Test("4.6 the name may arrive after the id: the block opens when the name is known")
    func lateName() {
        let events = translate([
            chunk(tools: [call(0, id: "c", args: "")]),
            chunk(tools: [call(0, name: "Bash", args: #"{"a""#)]),
            chunk(tools: [call(0, args: ":1}")]),
        ])
        #expect(body(events) == [
            E.toolStart(0, id: "c", name: "Bash"), E.json(0, #"{"a""#), E.json(0, ":1}"), E.stop(0),
        ] + E.end(.toolUse, usage: estimated(7)))
    }

    @Test("4.5 content after a tool call closes it and opens a text block")
    func textAfterTool() {
        let events = translate([chunk(tools: [call(0, id: "c", name: "A", args: "{}")]), chunk(content: "done")])
        #expect(body(events) == [
            E.toolStart(0, id: "c", name: "A"), E.json(0, "{}"), E.stop(0), E.textStart(1), E.text(1, "done"), E.stop(1),
        ] + E.end(.toolUse, usage: estimated(6)))
    }

    @Test("4.7 content and finish_reason in one chunk")
    func contentAndFinish() {
        let events = translate([chunk(content: "Done.", finish: "stop")])
        #expect(body(events) == [E.textStart(0), E.text(0, "Done."), E.stop(0)] + E.end(.endTurn, usage: estimated(5)))
    }

    @Test("4.7 the usage chunk after finish_reason is read; input excludes cached tokens")
    func usageAfterFinish() {
        let events = translate([chunk(content: "x"), chunk(finish: "length"), usageChunk(prompt: 50, completion: 7, cached: 20)])
        #expect(body(events).suffix(2) == E.end(.maxTokens, usage: Usage(inputTokens: 30, outputTokens: 7, cacheReadInputTokens: 20))[...])
    }

    @Test("4.7 no [DONE]: finish() without a last chunk closes the open block")
    func noDone() {
        var t = makeTranslator()
        var events = t.start()
        events += t.receive(chunk(reasoningContent: "hmm"))
        events += t.finish()
        #expect(body(events) == [E.thinkingStart(0), E.thinking(0, "hmm"), E.signature(0), E.stop(0)] + E.end(.endTurn, usage: estimated(3)))
        #expect(t.isFinished)
        #expect(t.finish() == [])
        #expect(t.receive(chunk(content: "late")) == [])
    }

    @Test("4.7 chunks with empty choices and tool_calls: [] are tolerated")
    func emptyChoices() {
        let events = translate([
            ChatChunk(choices: []), chunk(content: "a"), ChatChunk(choices: []), chunk(content: "b", tools: []), ChatChunk(),
        ])
        #expect(body(events) == [E.textStart(0), E.text(0, "a"), E.text(0, "b"), E.stop(0)] + E.end(.endTurn, usage: estimated(2)))
    }

    @Test("3 an empty answer still has one (empty) text block")
    func emptyAnswer() {
        let events = translate([chunk(content: ""), chunk(finish: "stop")])
        #expect(body(events) == [E.textStart(0), E.stop(0)] + E.end(.endTurn, usage: estimated(0)))
        #expect(invariantViolations(events) == [])
    }

    @Test("4.9 an error frame mid-stream becomes one error event and ends the stream")
    func errorFrame() throws {
        var t = makeTranslator()
        var events = t.start()
        events += t.receive(chunk(content: "Hi"))
        events += t.receive(try decodeChunk(#"{"error":{"message":"Server is overloaded","type":"overloaded_error","code":503}}"#))
        #expect(body(events).prefix(2) == [E.textStart(0), E.text(0, "Hi")])
        guard case .error(let error)? = events.last else { Issue.record("no error event"); return }
        #expect(error.type == .overloaded)
        #expect(error.message.contains("Server is overloaded"))
        #expect(!events.contains { if case .messageDelta = $0 { return true } else { return false } })
        #expect(t.isFinished)
        #expect(t.finish() == [])
        #expect(invariantViolations(events) == [])
    }

    @Test("4.9 fail() (connection reset, idle timeout) ends with one error event, never stop_reason error")
    func fail() {
        var t = makeTranslator()
        var events = t.start()
        events += t.receive(chunk(content: "partial"))
        events += t.fail(ErrorMapping.streamInterrupted(reason: "connection reset by peer"))
        #expect(events.last == .error(APIError(.api, "The upstream connection broke in the middle of the answer: connection reset by peer")))
        #expect(t.fail(APIError(.api, "again")) == [])
        // fail() before anything was sent still starts the message first.
        var u = makeTranslator()
        let only = u.fail(ErrorMapping.timeout(seconds: 30, midStream: true))
        guard case .messageStart? = only.first, case .error(let e)? = only.last else { Issue.record("shape"); return }
        #expect(e.type == .timeout)
    }

    @Test("3 reasoning vs reasoning_content: both names give the same thinking block")
    func reasoningNames() throws {
        let a = translate([try decodeChunk(#"{"choices":[{"index":0,"delta":{"reasoning_content":"r"}}]}"#), chunk(content: "t")])
        let b = translate([try decodeChunk(#"{"choices":[{"index":0,"delta":{"reasoning":"r"}}]}"#), chunk(content: "t")])
        #expect(a == b)
        #expect(body(a).first == E.thinkingStart(0))
    }

    @Test("3 <think> tags at the start of content become a thinking block")
    func thinkTags() {
        let events = translate([chunk(content: "<think>plan</think>\n\nAnswer")])
        #expect(body(events) == [
            E.thinkingStart(0), E.thinking(0, "plan"), E.signature(0), E.stop(0), E.textStart(1), E.text(1, "Answer"), E.stop(1),
        ] + E.end(.endTurn, usage: estimated(10)))
    }

    @Test("3 <think> tags split across chunk boundaries (<th + ink>)")
    func thinkTagsSplit() {
        let events = translate(["<th", "ink>pl", "an</thi", "nk>Ans", "wer"].map { chunk(content: $0) })
        #expect(body(events) == [
            E.thinkingStart(0), E.thinking(0, "pl"), E.thinking(0, "an"), E.signature(0), E.stop(0),
            E.textStart(1), E.text(1, "Ans"), E.text(1, "wer"), E.stop(1),
        ] + E.end(.endTurn, usage: estimated(10)))
    }

    @Test("3 <think> not at the start is ordinary text")
    func thinkTagsLater() {
        let events = translate([chunk(content: "Use <think> tags"), chunk(content: " like <think>this</think>")])
        #expect(body(events) == [E.textStart(0), E.text(0, "Use <think> tags"), E.text(0, " like <think>this</think>"), E.stop(0)]
            + E.end(.endTurn, usage: estimated(41)))
    }

    @Test("3 arguments cut short by max_tokens are closed so the input parses")
    func truncatedArguments() {
        let events = translate([
            chunk(tools: [call(0, id: "c", name: "Write", args: #"{"path": "a.txt", "content": "hel"#)]),
            chunk(finish: "length"),
        ])
        #expect(body(events) == [
            E.toolStart(0, id: "c", name: "Write"), E.json(0, #"{"path": "a.txt", "content": "hel"#), E.json(0, "\"}"), E.stop(0),
        ] + E.end(.toolUse, usage: estimated(33)))
        #expect(fold(events).message?.content == [toolUse("c", "Write", ["path": "a.txt", "content": "hel"])])
    }

    @Test("3 tool ids like functions.X:0 are made safe")
    func unsafeIDs() {
        let events = translate([chunk(tools: [call(0, id: "functions.Bash:0", name: "Bash", args: "{}")])])
        #expect(body(events).first == E.toolStart(0, id: "functions_Bash_0", name: "Bash"))
        #expect(invariantViolations(events) == [])
    }

    @Test("2.7 long tool names (> 64) are shortened upstream and restored in the stream")
    func longNames() {
        var names = ToolNameMap()
        let long = "mcp__a_really_long_server_name__and_an_even_longer_tool_name_that_goes_on"
        let short = names.upstreamName(for: long)
        #expect(short.utf8.count <= 64)
        let events = translate([chunk(tools: [call(0, id: "c", name: short, args: "{}")])], toolNames: names)
        #expect(body(events).first == E.toolStart(0, id: "c", name: long))
    }

    @Test("3 stop_reason mapping, including vLLM's stop_reason string -> stop_sequence", arguments: [
        ("stop", nil, StopReason.endTurn, nil),
        ("length", nil, .maxTokens, nil),
        ("tool_calls", nil, .toolUse, nil),
        ("function_call", nil, .toolUse, nil),
        ("content_filter", nil, .refusal, nil),
        ("stop", "###", .stopSequence, "###"),
        ("something_new", nil, .endTurn, nil),
    ] as [(String, String?, StopReason, String?)])
    func stopReasons(finish: String, matched: String?, reason: StopReason, sequence: String?) {
        let events = translate([chunk(content: "x"), chunk(finish: finish, matchedStop: matched)])
        #expect(body(events).suffix(2).first == .messageDelta(stopReason: reason, stopSequence: sequence, usage: estimated(1)))
    }

    @Test("3 any tool_use block makes stop_reason tool_use, whatever finish_reason said")
    func toolUseWins() {
        let events = translate([chunk(tools: [call(0, id: "c", name: "A", args: "{}")]), chunk(finish: "stop")])
        #expect(body(events).suffix(2).first == .messageDelta(stopReason: .toolUse, stopSequence: nil, usage: estimated(2)))
    }

    @Test("3 a missing finish_reason (stream cut) maps to end_turn, never an invented error stop reason")
    func noFinish() {
        let events = translate([chunk(content: "x")])
        #expect(body(events).suffix(2).first == .messageDelta(stopReason: .endTurn, stopSequence: nil, usage: estimated(1)))
    }

    @Test("4.3 deltas of other choices (n > 1) are ignored")
    func otherChoices() {
        var c = chunk(content: "main")
        c.choices.append(ChatChunk.Choice(index: 1, delta: ChatChunk.Delta(content: "other")))
        let events = translate([c])
        #expect(body(events).prefix(3) == [E.textStart(0), E.text(0, "main"), E.stop(0)])
    }

    @Test("4 the llama.cpp text stream (no usage chunk, JSON nulls, finish length) translates")
    func llamaText() throws {
        let chunks = try Fixtures.chunks("llamacpp-text-with-usage.sse")
        let events = translate(chunks)
        #expect(invariantViolations(events) == [])
        let message = try #require(fold(events).message)
        let expectedText = chunks.compactMap { $0.choices.first?.delta.content }.joined()
        #expect(message.content == [text(expectedText)])
        #expect(message.stopReason == .maxTokens)
        #expect(message.model == testModel)
        #expect(message.usage.inputTokens == 100)
    }

    @Test("4.10 the SSE text of a whole stream, with sorted keys")
    func sseText() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let events = translate([chunk(reasoningContent: "r"), chunk(content: "t"), chunk(finish: "stop"), usageChunk(prompt: 3, completion: 2)])
        let text = try events.map { String(decoding: try $0.sseFrame(encoder: encoder), as: UTF8.self) }.joined()
        #expect(text == """
            event: message_start
            data: {"message":{"content":[],"id":"msg_test","model":"claude-sonnet-4-5","role":"assistant","stop_reason":null,"stop_sequence":null,"type":"message","usage":{"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"input_tokens":100,"output_tokens":0}},"type":"message_start"}

            event: content_block_start
            data: {"content_block":{"signature":"","thinking":"","type":"thinking"},"index":0,"type":"content_block_start"}

            event: content_block_delta
            data: {"delta":{"thinking":"r","type":"thinking_delta"},"index":0,"type":"content_block_delta"}

            event: content_block_delta
            data: {"delta":{"signature":"nebius-chat-unsigned","type":"signature_delta"},"index":0,"type":"content_block_delta"}

            event: content_block_stop
            data: {"index":0,"type":"content_block_stop"}

            event: content_block_start
            data: {"content_block":{"text":"","type":"text"},"index":1,"type":"content_block_start"}

            event: content_block_delta
            data: {"delta":{"text":"t","type":"text_delta"},"index":1,"type":"content_block_delta"}

            event: content_block_stop
            data: {"index":1,"type":"content_block_stop"}

            event: message_delta
            data: {"delta":{"stop_reason":"end_turn","stop_sequence":null},"type":"message_delta","usage":{"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"input_tokens":3,"output_tokens":2}}

            event: message_stop
            data: {"type":"message_stop"}


            """)
    }
}
