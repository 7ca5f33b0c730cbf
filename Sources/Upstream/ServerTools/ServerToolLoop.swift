import ClaudeAPI
import Logging
import Synchronization
import Translation

/// Runs a request that has server tools (`web_search_*`, `web_fetch_*`) for an open model,
/// all inside the one client request: the tools are offered upstream as function tools; when
/// the model calls one, it runs here, the client sees `server_tool_use` and the result block,
/// the model gets the result as a tool message, and the upstream conversation continues, up to
/// each tool's `max_uses`. The answer is one message: one `message_start`, block indexes
/// continuous across the rounds, usage summed, `usage.server_tool_use` counting the calls.
///
/// A call of a client tool ends the turn as it always does (after the server tools of the same
/// round have run). A failure of a later round ends the answer with an `error` event; a failure
/// of the first round is thrown before any byte, as without server tools.
struct ServerToolLoop: Sendable {
    let request: MessagesRequest
    let tools: ServerToolSet
    let runner: any ServerToolRunning
    let heartbeat: Duration?
    let logger: Logger
    /// One upstream round (with the model fallback of ``MessagesService``).
    let round: @Sendable (MessagesRequest) async throws(UpstreamFailure) -> MessageEventStream

    /// Rounds beyond the tools' uses: one to answer after the last result, one spare.
    var roundLimit: Int {
        min(20, tools.specs.values.reduce(0) { $0 + $1.maxUses } + 2)
    }

    /// The kinds to offer, given the calls made so far.
    func offered(uses: [ServerToolKind: Int]) -> Set<ServerToolKind> {
        Set(tools.specs.values.filter { runner.available.contains($0.kind) && uses[$0.kind, default: 0] < $0.maxUses }.map(\.kind))
    }

    func start() async throws(UpstreamFailure) -> MessageEventStream {
        let first = try await round(tools.upstreamRequest(request, offering: offered(uses: [:])))
        let made = MessageEventStream.makeStream()
        var stream = made.stream
        let continuation = made.continuation
        stream.route = first.route
        let current = CurrentRound(first)
        let task = Task(executorPreference: EventLoopTaskExecutor.preferred) { await run(first: first, current: current, continuation: continuation) }
        continuation.onTermination = { _ in
            task.cancel()
            current.cancel()
        }
        return stream
    }

    private func run(
        first: MessageEventStream, current: CurrentRound, continuation: AsyncStream<[StreamEvent]>.Continuation
    ) async {
        defer { continuation.finish() }
        var relay = ServerToolRelay(kinds: Set(tools.specs.keys))
        var answer = MessageAccumulator()
        var uses: [ServerToolKind: Int] = [:]
        var resultTexts: [String: String] = [:]
        var stream = first
        var rounds = 1
        func send(_ events: [StreamEvent]) {
            for event in events { answer.apply(event) }
            continuation.yield(events)
        }
        while true {
            relay.beginRound()
            var batches = stream.makeBatchIterator()
            while let batch = await batches.next() {
                if batch.isEmpty {
                    continuation.yield([])  // a silence: the proxy's ping
                    continue
                }
                let events = batch.flatMap { relay.receive($0) }
                if !events.isEmpty { send(events) }
            }
            if relay.failed || Task.isCancelled { return }
            guard relay.roundComplete else {
                // Cancelled, or the round ended without its closing events.
                return
            }
            if relay.calls.isEmpty {
                send(relay.finish())
                return
            }
            for call in relay.calls {
                let spec = tools[call.kind] ?? ServerToolSpec(kind: call.kind)
                let outcome: ServerToolOutcome
                if uses[call.kind, default: 0] >= spec.maxUses {
                    outcome = WebToolRunner.failure(
                        call.kind, call.id,
                        .init(.maxUsesExceeded, "\(call.kind.rawValue) was already used \(spec.maxUses) times in this request (max_uses)."))
                } else {
                    uses[call.kind, default: 0] += 1
                    outcome = await runWithSilences(call, spec: spec, continuation: continuation)
                }
                if Task.isCancelled { return }
                resultTexts[call.id] = outcome.modelText
                send(relay.events(for: call, result: outcome.block, counted: outcome.counted))
            }
            if relay.calledClientTool {
                send(relay.finish())
                return
            }
            if rounds >= roundLimit {
                logger.notice("server tool loop stopped at its round limit", metadata: ["rounds": "\(rounds)"])
                send(relay.finish(pausing: true))
                return
            }
            var next = request
            if let content = answer.message?.content { next.messages.append(Message(role: .assistant, content: content)) }
            let upstream = tools.upstreamRequest(next, offering: offered(uses: uses), resultTexts: resultTexts)
            do {
                stream = try await round(upstream)
            } catch {
                if Task.isCancelled { return }
                continuation.yield([.error(error.error)])
                return
            }
            rounds += 1
            let started = stream
            current.set(started)
            if Task.isCancelled { started.cancel(); return }
        }
    }

    /// Runs one call; with a heartbeat, the client gets silences (pings) while it runs.
    private func runWithSilences(
        _ call: ServerToolRelay.Call, spec: ServerToolSpec, continuation: AsyncStream<[StreamEvent]>.Continuation
    ) async -> ServerToolOutcome {
        let runner = self.runner
        guard let heartbeat else { return await runner.run(call.kind, input: call.input, spec: spec, toolUseID: call.id) }
        return await withTaskGroup(of: ServerToolOutcome?.self) { group in
            group.addTask { await runner.run(call.kind, input: call.input, spec: spec, toolUseID: call.id) }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    if !Task.isCancelled { continuation.yield([]) }
                }
                return nil
            }
            defer { group.cancelAll() }
            while let result = await group.next() {
                if let result { return result }
            }
            return WebToolRunner.failure(call.kind, call.id, .init(.unavailable, "The tool was cancelled."))
        }
    }
}

/// The upstream round being read, so that the client going away cancels it.
final class CurrentRound: Sendable {
    private let stream: Mutex<MessageEventStream?>
    init(_ stream: MessageEventStream) { self.stream = Mutex(stream) }
    func set(_ next: MessageEventStream) { stream.withLock { $0 = next } }
    func cancel() { stream.withLock { $0?.cancel() } }
}
