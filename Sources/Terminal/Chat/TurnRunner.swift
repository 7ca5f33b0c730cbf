import ClaudeAPI
import ToolUse
import Translation
import Upstream

/// How one request ended.
public struct TurnOutcome: Sendable {
    public enum Ending: Sendable {
        /// `message_stop` arrived.
        case completed
        /// The user pressed Ctrl-C; `message` holds what arrived before.
        case interrupted
        /// The upstream failed, before the first byte or mid-stream.
        case failed(UpstreamFailure)
    }

    public var ending: Ending
    /// The answer, complete or partial; `nil` when nothing arrived.
    public var message: MessagesResponse?
    public var seconds: Double
    /// Tool inputs that were not valid JSON (from the accumulator).
    public var warnings: [String] = []
    /// The upstream model that answered (and the ones that failed before it), once known.
    public var route: UpstreamRoute?
    /// With tools: the messages of the tool rounds before ``message``, in order (the model's
    /// `tool_use` answers and the user's `tool_result`s), as the conversation keeps them.
    public var steps: [Message] = []
    /// With tools: the usage of all the rounds, summed; set also when the turn failed after
    /// some rounds (then ``message`` may be `nil`, and the rounds that ran were still billed).
    public var roundsUsage: Usage?
}

/// Runs one request through the pipeline, rendering events as they arrive and folding them into
/// the message that goes into the conversation. With a ``ToolLoop`` it offers the MCP servers'
/// tools, runs the calls the model asks for (each approved), sends the results back and goes on
/// until the model answers without a tool call.
///
/// Run it in a task you can cancel: cancelling ends the stream (and the upstream request, or
/// the tool call under way) and gives an ``TurnOutcome/Ending/interrupted`` outcome with the
/// partial answer.
public struct TurnRunner: Sendable {
    public var service: any MessagesServing

    public init(service: any MessagesServing) {
        self.service = service
    }

    public func run(_ request: MessagesRequest, renderer: StreamRenderer, tools: ToolLoop? = nil) async -> TurnOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        func seconds() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        var renderer = renderer
        guard let tools else {
            var outcome = await stream(request, renderer: &renderer, hidesToolUse: false)
            outcome.seconds = seconds()
            return outcome
        }

        var request = request
        for line in await tools.toolbox.start() {
            tools.notes.line(tools.style.yellow(line))
        }
        let offered = await tools.toolbox.tools()
        if !offered.isEmpty { request.tools = (request.tools ?? []) + offered }

        var steps: [Message] = []
        var usage: Usage?
        var rounds = 0
        while true {
            var outcome = await stream(request, renderer: &renderer, hidesToolUse: true)
            outcome.seconds = seconds()
            if let roundUsage = outcome.message?.usage { usage = usage.map { Self.add($0, roundUsage) } ?? roundUsage }
            let uses = (outcome.message?.content ?? []).compactMap { block -> ToolUseBlock? in
                if case .toolUse(let use) = block { return use } else { return nil }
            }
            guard case .completed = outcome.ending, let answer = outcome.message, answer.stopReason == .toolUse, !uses.isEmpty,
                  rounds < tools.maxRounds else {
                if rounds >= tools.maxRounds, !uses.isEmpty {
                    tools.notes.line(tools.style.yellow("[stopped after \(tools.maxRounds) rounds of tool calls in one turn]"))
                }
                outcome.steps = steps
                outcome.roundsUsage = usage
                if let usage { outcome.message?.usage = usage }
                return outcome
            }
            rounds += 1
            let assistant = Message(role: .assistant, content: answer.content.filter(Conversation.isWorthKeeping))
            let (results, stopped) = await runCalls(uses, tools: tools)
            let user = Message(role: .user, content: results.map { .toolResult($0) })
            steps += [assistant, user]
            if stopped || Task.isCancelled {
                renderer.finishInterrupted()
                return TurnOutcome(ending: .interrupted, message: nil, seconds: seconds(), warnings: outcome.warnings,
                                   route: outcome.route, steps: steps)
            }
            request.messages += [assistant, user]
        }
    }

    /// Runs each call the model asked for, in order; the results, and whether the user
    /// stopped the turn (every call left then gets a "cancelled" result, so that each
    /// `tool_use` has its `tool_result`).
    private func runCalls(_ uses: [ToolUseBlock], tools: ToolLoop) async -> ([ToolResultBlock], Bool) {
        let dim = { (text: String) in tools.notes.line(tools.style.dim(text)) }
        var results: [ToolResultBlock] = []
        var stopped = false
        for use in uses {
            if stopped || Task.isCancelled {
                stopped = true
                results.append(Self.result(use, MCPToolbox.cancelledOutcome))
                continue
            }
            guard let name = await tools.toolbox.resolve(use.name) else {
                let outcome = await tools.toolbox.call(name: use.name, input: use.input)
                tools.notes.line(tools.style.yellow("[the model asked for a tool that is not offered: \(use.name)]"))
                results.append(Self.result(use, outcome))
                continue
            }
            let summary = ToolCallLines.summary(name, input: use.input)
            switch await tools.approver.decide(name, summary: summary) {
            case .stop:
                stopped = true
                results.append(Self.result(use, MCPToolbox.cancelledOutcome))
            case .decline:
                dim("  ← not run")
                results.append(ToolResultBlock(
                    toolUseID: use.id, content: [.text(TextBlock(text: "The user declined to run this tool call."))], isError: true))
            case .run(let announced):
                if !announced { dim(ToolCallLines.call(summary)) }
                let outcome = await tools.toolbox.call(name: use.name, input: use.input)
                if case .cancelled = outcome.failure { stopped = true }
                let line = ToolCallLines.result(outcome)
                if outcome.failure != nil || outcome.isError {
                    tools.notes.line(tools.style.yellow(line))
                } else {
                    dim(line)
                }
                results.append(Self.result(use, outcome))
            }
        }
        return (results, stopped)
    }

    static func result(_ use: ToolUseBlock, _ outcome: MCPToolOutcome) -> ToolResultBlock {
        ToolResultBlock(toolUseID: use.id, content: outcome.content, isError: outcome.isError)
    }

    static func add(_ a: Usage, _ b: Usage) -> Usage {
        var sum = b
        sum.inputTokens = a.inputTokens + b.inputTokens
        sum.outputTokens = a.outputTokens + b.outputTokens
        sum.cacheReadInputTokens = a.cacheReadInputTokens + b.cacheReadInputTokens
        sum.cacheCreationInputTokens = a.cacheCreationInputTokens + b.cacheCreationInputTokens
        return sum
    }

    /// One request: streams, renders and folds the answer. `hidesToolUse`: tool calls are
    /// shown by the tool loop, not as "not offered" remarks.
    private func stream(_ request: MessagesRequest, renderer: inout StreamRenderer, hidesToolUse: Bool) async -> TurnOutcome {
        let events: MessageEventStream
        do {
            events = try await service.stream(request)
        } catch {
            if Task.isCancelled {
                renderer.finishInterrupted()
                return TurnOutcome(ending: .interrupted, message: nil, seconds: 0)
            }
            return TurnOutcome(ending: .failed(error), message: nil, seconds: 0)
        }

        let route = events.route
        var accumulator = MessageAccumulator()
        for await event in events {
            if Task.isCancelled { break }
            accumulator.apply(event)
            if hidesToolUse, case .contentBlockStart(_, .toolUse) = event { continue }
            renderer.render(event)
        }
        if Task.isCancelled {
            renderer.finishInterrupted()
            return TurnOutcome(
                ending: .interrupted, message: accumulator.message, seconds: 0, warnings: accumulator.warnings, route: route)
        }
        renderer.finish()
        if let error = accumulator.error {
            return TurnOutcome(
                ending: .failed(UpstreamFailure(error)), message: accumulator.message, seconds: 0,
                warnings: accumulator.warnings, route: route)
        }
        guard accumulator.message != nil else {
            let failure = UpstreamFailure(APIError(.api, "The upstream stream ended before any message started."))
            return TurnOutcome(ending: .failed(failure), message: nil, seconds: 0)
        }
        return TurnOutcome(ending: .completed, message: accumulator.message, seconds: 0, warnings: accumulator.warnings, route: route)
    }
}
