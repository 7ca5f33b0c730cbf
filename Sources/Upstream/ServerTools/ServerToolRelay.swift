import ClaudeAPI
import Translation

/// The event side of the server-tool loop, as a value (tested without I/O): it passes each
/// upstream round's events on with block indexes continuous across rounds, keeps
/// `message_start` to the first round, holds back the model's calls of `web_search` /
/// `web_fetch` (they come out as `server_tool_use` blocks once complete, each followed by its
/// result block), and ends the answer with usage summed over the rounds.
struct ServerToolRelay {
    /// A complete call of a server tool by the model.
    struct Call: Sendable, Hashable {
        var kind: ServerToolKind
        /// `srvtoolu_...`, the id the client sees (and the upstream, in later rounds).
        var id: String
        var input: JSONValue
    }

    private let kinds: [String: ServerToolKind]
    /// The next block index the client sees.
    private(set) var nextIndex = 0
    private var indexMap: [Int: Int] = [:]
    private var buffered: [Int: (kind: ServerToolKind, id: String, json: String)] = [:]
    /// The server-tool calls of the current round, in order.
    private(set) var calls: [Call] = []
    /// Whether the current round called a client tool (the turn then ends, as without server tools).
    private(set) var calledClientTool = false
    /// Whether the current round reached `message_stop`.
    private(set) var roundComplete = false
    /// Whether an `error` event ended the answer.
    private(set) var failed = false
    private var stopReason: StopReason?
    private var stopSequence: String?
    private var roundInput = 0
    private var roundCacheRead = 0
    private var roundCacheCreation = 0
    private var totals = Usage()
    /// Searches and fetches that count in `usage.server_tool_use`.
    private(set) var counts = ServerToolUsage()
    private var started = false
    private var random: any RandomNumberGenerator

    init(kinds: Set<ServerToolKind>, random: any RandomNumberGenerator = SystemRandomNumberGenerator()) {
        var byName: [String: ServerToolKind] = [:]
        for kind in kinds { byName[kind.rawValue] = kind }
        self.kinds = byName
        self.random = random
    }

    /// Starts the next upstream round.
    mutating func beginRound() {
        indexMap = [:]
        buffered = [:]
        calls = []
        calledClientTool = false
        roundComplete = false
        stopReason = nil
        stopSequence = nil
        roundInput = 0
    }

    /// The events to pass on for one upstream event.
    mutating func receive(_ event: StreamEvent) -> [StreamEvent] {
        switch event {
        case .messageStart(let message):
            roundInput = message.usage.inputTokens
            roundCacheRead = message.usage.cacheReadInputTokens
            roundCacheCreation = message.usage.cacheCreationInputTokens
            guard !started else { return [] }
            started = true
            return [event]
        case .contentBlockStart(let index, let block):
            if case .toolUse(let use) = block, let kind = kinds[use.name] {
                buffered[index] = (kind, newID(), "")
                return []
            }
            if case .toolUse = block { calledClientTool = true }
            let mapped = nextIndex
            nextIndex += 1
            indexMap[index] = mapped
            return [.contentBlockStart(index: mapped, block: block)]
        case .contentBlockDelta(let index, let delta):
            if buffered[index] != nil {
                if case .inputJSON(let fragment) = delta { buffered[index]?.json += fragment }
                return []
            }
            guard let mapped = indexMap[index] else { return [] }
            return [.contentBlockDelta(index: mapped, delta: delta)]
        case .contentBlockStop(let index):
            if let call = buffered.removeValue(forKey: index) {
                calls.append(Call(kind: call.kind, id: call.id, input: Self.input(call.json)))
                return []
            }
            guard let mapped = indexMap[index] else { return [] }
            return [.contentBlockStop(index: mapped)]
        case .messageDelta(let reason, let sequence, let usage):
            stopReason = reason
            stopSequence = sequence
            if usage.inputTokens > 0 { roundInput = usage.inputTokens }
            totals.outputTokens += usage.outputTokens
            if usage.cacheReadInputTokens > 0 { roundCacheRead = usage.cacheReadInputTokens }
            if usage.cacheCreationInputTokens > 0 { roundCacheCreation = usage.cacheCreationInputTokens }
            return []
        case .messageStop:
            // A call cut off by the end of the stream (no stop event) still counts as made.
            for index in buffered.keys.sorted() {
                if let call = buffered.removeValue(forKey: index) {
                    calls.append(Call(kind: call.kind, id: call.id, input: Self.input(call.json)))
                }
            }
            totals.inputTokens += roundInput
            totals.cacheReadInputTokens += roundCacheRead
            totals.cacheCreationInputTokens += roundCacheCreation
            roundInput = 0
            roundCacheRead = 0
            roundCacheCreation = 0
            roundComplete = true
            return []
        case .error:
            failed = true
            return [event]
        case .ping:
            return [event]
        }
    }

    /// The call's arguments; `{}` when they are not a JSON object (the tool then reports the
    /// missing parameter).
    static func input(_ json: String) -> JSONValue {
        guard let value = JSONValue(parsing: json), value.objectValue != nil else { return .object([:]) }
        return value
    }

    /// The `server_tool_use` block of `call` (its input as one `input_json_delta`) and the
    /// result block after it; `counted` calls go into `usage.server_tool_use`.
    mutating func events(for call: Call, result: ContentBlock, counted: Bool) -> [StreamEvent] {
        let use = nextIndex
        let resultIndex = nextIndex + 1
        nextIndex += 2
        if counted {
            switch call.kind {
            case .webSearch: counts.webSearchRequests += 1
            case .webFetch: counts.webFetchRequests += 1
            }
        }
        return [
            .contentBlockStart(index: use, block: ServerToolBlocks.serverToolUse(id: call.id, kind: call.kind, input: .object([:]))),
            .contentBlockDelta(index: use, delta: .inputJSON(call.input.compactText)),
            .contentBlockStop(index: use),
            .contentBlockStart(index: resultIndex, block: result),
            .contentBlockStop(index: resultIndex),
        ]
    }

    /// The events that end the answer: the last round's stop reason (or `pause_turn` when the
    /// loop stopped at its round limit) and the usage of every round.
    func finish(pausing: Bool = false) -> [StreamEvent] {
        var usage = totals
        usage.serverToolUse = counts
        return [
            .messageDelta(stopReason: pausing ? .pauseTurn : (stopReason ?? .endTurn), stopSequence: pausing ? nil : stopSequence, usage: usage),
            .messageStop,
        ]
    }

    private mutating func newID() -> String {
        var generator = AnyGenerator(random)
        let id = ServerToolBlocks.newID(using: &generator)
        random = generator.base
        return id
    }
}

/// A concrete generator around an existential one (the id builder is generic).
private struct AnyGenerator: RandomNumberGenerator {
    var base: any RandomNumberGenerator
    init(_ base: any RandomNumberGenerator) { self.base = base }
    mutating func next() -> UInt64 { base.next() }
}
