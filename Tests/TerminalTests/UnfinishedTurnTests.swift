import ClaudeAPI
import Synchronization
import Testing
import ToolUse
import Upstream
@testable import Terminal

/// An upstream failure in the middle of a tool loop: the rounds that ran stay in the
/// conversation, the conversation stays valid Claude format, and `/retry` continues from the
/// results without running the tools again.
@Suite struct UnfinishedTurnTests {
    static let add = "mcp__calc__add"

    func call(_ id: String) -> Message {
        Message(role: .assistant, content: [.toolUse(ToolUseBlock(id: id, name: Self.add, input: .object(["a": .int(2), "b": .int(40)])))])
    }

    func result(_ id: String, _ text: String = "42") -> Message {
        Message(role: .user, content: [.toolResult(ToolResultBlock(toolUseID: id, content: [.text(TextBlock(text: text))]))])
    }

    /// Claude format: every `tool_use` is answered by a `tool_result` in the next message, every
    /// result answers a call of the message before, and the history does not end with a call.
    static func isValid(_ messages: [Message]) -> Bool {
        for (i, message) in messages.enumerated() {
            let uses = message.content.compactMap { if case .toolUse(let u) = $0 { u.id } else { nil } }
            if !uses.isEmpty {
                guard message.role == .assistant, i + 1 < messages.count else { return false }
                let answered = messages[i + 1].content.compactMap { if case .toolResult(let r) = $0 { r.toolUseID } else { nil } }
                guard Set(uses).isSubset(of: Set(answered)) else { return false }
            }
            let results = message.content.compactMap { if case .toolResult(let r) = $0 { r.toolUseID } else { nil } }
            if !results.isEmpty {
                guard i > 0 else { return false }
                let called = messages[i - 1].content.compactMap { if case .toolUse(let u) = $0 { u.id } else { nil } }
                guard Set(results).isSubset(of: Set(called)) else { return false }
            }
        }
        return true
    }

    @Test func onlyWholeRoundsAreKeptAndTheRetryContinuesFromThem() {
        var c = Conversation(session: Session(id: "u", model: "m"))
        let prompt = c.takeUserMessage(text: "what is 2 + 40?")
        // Two rounds ran; the third call's round broke off before its result.
        let steps = [call("c1"), result("c1"), call("c2"), result("c2", "84"), call("c3")]
        #expect(c.keepUnfinished(user: prompt, steps: steps) == 2)
        #expect(c.session.messages == [prompt] + Array(steps.prefix(4)))
        #expect(c.hasUnfinishedTurn)
        #expect(c.failedPrompt == nil)
        #expect(c.session.turns == 1)
        #expect(Self.isValid(c.session.messages))

        #expect(c.takeRetry() == .continueTurn)
        #expect(c.session.messages.count == 5, "a continuation removes nothing")
        let request = c.request(for: nil)
        #expect(request.messages == c.session.messages)
        #expect(request.messages.last == result("c2", "84"))

        // A new prompt instead of /retry goes after the results: still valid.
        #expect(Self.isValid(c.request(for: Message(role: .user, text: "and then?")).messages))
        // The continuation's answer ends the turn.
        let answer = MessagesResponse(id: "m2", model: "m", content: [.text(TextBlock(text: "42 and 84."))], stopReason: .endTurn, usage: Usage())
        c.commit(user: nil, answer: answer, interrupted: false)
        #expect(!c.hasUnfinishedTurn)
        #expect(c.session.messages.count == 6 && c.session.turns == 1)
        #expect(Self.isValid(c.session.messages))
        // /undo drops the whole turn, its rounds included.
        #expect(c.undo() == prompt)
        #expect(c.session.messages.isEmpty)
    }

    @Test func aFailureBeforeAnyToolRanKeepsNothingAndRetriesThePrompt() {
        var c = Conversation(session: Session(id: "u", model: "m"))
        let prompt = c.takeUserMessage(text: "hi")
        #expect(c.keepUnfinished(user: prompt, steps: [call("c1")]) == 0)
        #expect(c.keepUnfinished(user: prompt, steps: [call("c1"), Message(role: .user, text: "not a result")]) == 0)
        #expect(c.session.messages.isEmpty)
        c.failedPrompt = prompt
        #expect(c.takeRetry() == .prompt(prompt))
    }

    @Test func theRetryAfterAFailedSecondRoundDoesNotRunTheToolAgain() async {
        let toolbox = CountingToolbox()
        let service = SequencedMessagesService([
            .events(ToolEvents.call(id: "call_1", name: Self.add, input: #"{"a":2,"b":40}"#)),
            .failure(UpstreamFailure(APIError(.overloaded, "the upstream is busy"), upstreamStatus: 503)),
            .events(Events.answer("It is 42.")),
        ])
        let notes = TextOutput.capturing()
        let tools = ToolLoop(toolbox: toolbox, approver: ApproveAll(), notes: notes, style: .plain)
        let runner = TurnRunner(service: service)
        var c = Conversation(session: Session(id: "u", model: "m"))
        let prompt = c.takeUserMessage(text: "what is 2 + 40?")

        let failed = await runner.run(c.request(for: prompt), renderer: StreamRenderer(answer: .capturing(), reasoning: nil, style: .plain), tools: tools)
        guard case .failed(let failure) = failed.ending else {
            Issue.record("expected a failure, got \(failed.ending)")
            return
        }
        #expect(failure.error.type == .overloaded)
        #expect(toolbox.calls == 1)
        #expect(failed.roundsUsage?.outputTokens == 5, "the round that ran is counted")
        #expect(c.keepUnfinished(user: prompt, steps: failed.steps) == 1)
        #expect(Self.isValid(c.session.messages))

        guard c.takeRetry() == .continueTurn else {
            Issue.record("expected a continuation")
            return
        }
        let out = TextOutput.capturing()
        let done = await runner.run(c.request(for: nil), renderer: StreamRenderer(answer: out, reasoning: nil, style: .plain), tools: tools)
        guard case .completed = done.ending else {
            Issue.record("expected the retry to complete, got \(done.ending)")
            return
        }
        #expect(toolbox.calls == 1, "the tool ran once, before the failure; the retry used its result")
        #expect(out.text.contains("It is 42."))
        // The retry sent the prompt, the call and its result, and nothing after them.
        let retried = service.requests[2].messages
        #expect(retried.count == 3)
        #expect(retried.first == prompt)
        #expect(retried.last?.content == [.toolResult(ToolResultBlock(toolUseID: "call_1", content: [.text(TextBlock(text: "42"))]))])
        c.commit(user: nil, steps: done.steps, answer: done.message, interrupted: false)
        #expect(c.session.messages.count == 4 && !c.hasUnfinishedTurn && Self.isValid(c.session.messages))
    }
}

extension UnfinishedTurnTests {
    @Test func compactingBeforeAContinuationKeepsTheUnfinishedTurnWhole() throws {
        var c = Conversation(session: Session(id: "u", model: "m", messages: [
            Message(role: .user, text: "one"), Message(role: .assistant, text: "1"),
            Message(role: .user, text: "two"), Message(role: .assistant, text: "2"),
        ]))
        let prompt = c.takeUserMessage(text: "add")
        c.keepUnfinished(user: prompt, steps: [call("c1"), result("c1")])
        let split = try #require(Compaction.split(c.session.messages, keepExchanges: 1))
        Compaction.compact(&c.session, split: split, summary: "S")
        #expect(c.hasUnfinishedTurn)
        #expect(Array(c.session.messages.suffix(3)) == [prompt, call("c1"), result("c1")])
        #expect(c.session.archived.first?.messages.count == 4)
        #expect(Self.isValid(c.request(for: nil).messages))
    }
}

/// Stream events of an answer that asks for one tool call.
enum ToolEvents {
    static func call(id: String, name: String, input: String) -> [StreamEvent] {
        [
            Events.start(),
            .contentBlockStart(index: 0, block: .toolUse(ToolUseBlock(id: id, name: name, input: .object([:])))),
            .contentBlockDelta(index: 0, delta: .inputJSON(input)),
            .contentBlockStop(index: 0),
            .messageDelta(stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 12, outputTokens: 5)),
            .messageStop,
        ]
    }
}

/// One `mcp__calc__add` tool that answers `42` and counts its calls.
final class CountingToolbox: TurnToolbox {
    private let count = Mutex(0)
    var calls: Int { count.withLock { $0 } }

    func start() async -> [String] { [] }

    func tools() async -> [ClaudeAPI.Tool] {
        [ClaudeAPI.Tool(name: UnfinishedTurnTests.add, description: "adds", inputSchema: .object(["type": .string("object")]))]
    }

    func resolve(_ qualified: String) async -> MCPToolName? {
        qualified == UnfinishedTurnTests.add ? MCPToolName(server: "calc", tool: "add") : nil
    }

    func call(name qualified: String, input: JSONValue) async -> MCPToolOutcome {
        count.withLock { $0 += 1 }
        return MCPToolOutcome(content: [.text(TextBlock(text: "42"))], isError: false)
    }
}

/// Answers each request with the next script, in order (the last one again when they run out).
final class SequencedMessagesService: MessagesServing, Sendable {
    private let scripts: [FakeMessagesService.Script]
    private let received = Mutex<[MessagesRequest]>([])

    init(_ scripts: [FakeMessagesService.Script]) {
        self.scripts = scripts
    }

    var requests: [MessagesRequest] { received.withLock { $0 } }

    func stream(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream {
        let n = received.withLock { $0.append(request); return $0.count - 1 }
        guard let script = scripts.indices.contains(n) ? scripts[n] : scripts.last else {
            throw UpstreamFailure(APIError(.api, "no script"))
        }
        return try await FakeMessagesService(script).stream(request, heartbeat: heartbeat)
    }
}
