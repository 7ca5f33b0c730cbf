import ClaudeAPI
import OpenAIAPI

/// Turns the chunks of a streamed chat completion into Claude stream events.
///
/// A value-type state machine with no I/O: feed it chunks as they arrive and send on whatever it
/// returns. It keeps the block invariants clients depend on: indices 0, 1, 2, ... in order, one
/// block open at a time, a start before any delta, deltas of the block's own kind, one stop per
/// start, `message_start` first and `message_delta` + `message_stop` last (or one `error`).
///
/// ```swift
/// var translator = StreamTranslator(requestedModel: "claude-sonnet-4-5", messageID: "msg_1",
///                                   toolNames: translated.toolNames, estimatedInputTokens: 1200)
/// send(translator.start())
/// for try await chunk in upstream { send(translator.receive(chunk)) }
/// send(translator.finish())
/// ```
public struct StreamTranslator: Sendable {
    /// The signature sent before a thinking block closes; clients drop unsigned thinking.
    public static let thinkingSignature = "nebius-chat-unsigned"

    public let requestedModel: String
    public let messageID: String
    public let toolNames: ToolNameMap
    public let estimatedInputTokens: Int
    /// The routed model's window, when known: an overflow error frame names it (PROTOCOL 8.1).
    public let contextWindow: Int?

    private var started = false
    public private(set) var isFinished = false
    private var nextIndex = 0
    private var open: OpenBlock?
    private var calls: [ToolCallState] = []
    /// Position in `calls` of the call each upstream tool index currently refers to.
    private var callByUpstreamIndex: [Int: Int] = [:]
    /// Position in `calls` of the call the last fragment belonged to.
    private var lastCall: Int?
    private var sawToolUse = false
    private var finishReason: String?
    private var matchedStop: String?
    private var usage: ChatUsage?
    /// The usage the upstream reported, if any (for token calibration).
    public var upstreamUsage: ChatUsage? { usage }
    private var outputCharacters = 0
    private var thinkTags: ThinkTagSplitter
    private var events: [StreamEvent] = []

    private enum OpenBlock: Sendable, Hashable {
        case text(index: Int)
        case thinking(index: Int)
        /// Position in `calls`.
        case toolUse(call: Int)
    }

    private struct ToolCallState: Sendable, Hashable {
        var upstreamID: String?
        var name: String?
        var blockIndex: Int?
        var closed = false
        var pendingArguments = ""
        var completion = JSONCompletion()
    }

    /// - Parameter bareThinkClose: content may end its reasoning with a bare `</think>` (PROTOCOL
    ///   8.3; ``ReasoningLeak/endsWithBareClose(upstreamModel:)`` tells which models do): the
    ///   start of the content is then held back until it is known to be text.
    public init(
        requestedModel: String, messageID: String, toolNames: ToolNameMap = ToolNameMap(), estimatedInputTokens: Int = 0,
        contextWindow: Int? = nil, bareThinkClose: Bool = false
    ) {
        self.thinkTags = ThinkTagSplitter(holdsForBareClose: bareThinkClose)
        self.requestedModel = requestedModel
        self.messageID = messageID
        self.toolNames = toolNames
        self.estimatedInputTokens = estimatedInputTokens
        self.contextWindow = contextWindow
    }

    /// `message_start`. Called implicitly by the first `receive` if not called before.
    /// (The pings of PROTOCOL 4.2, after `message_start` and during upstream silence, belong to
    /// the SSE writer: it has the clock.)
    public mutating func start() -> [StreamEvent] {
        guard !started else { return [] }
        started = true
        let message = MessagesResponse(
            id: messageID, model: requestedModel, content: [],
            usage: Usage(inputTokens: estimatedInputTokens, outputTokens: 0))
        return [.messageStart(message)]
    }

    /// The events for one upstream chunk.
    public mutating func receive(_ chunk: ChatChunk) -> [StreamEvent] {
        guard !isFinished else { return [] }
        events = start()
        if let error = chunk.error {
            let mapped = ErrorMapping.streamError(
                error, estimatedInputTokens: estimatedInputTokens > 0 ? estimatedInputTokens : nil, contextWindow: contextWindow)
            return events + fail(mapped)
        }
        if let u = chunk.usage { usage = u }
        for choice in chunk.choices where (choice.index ?? 0) == 0 {
            let delta = choice.delta
            if let reasoning = delta.reasoningText, !reasoning.isEmpty {
                // Content held for a bare `</think>` is text after all, and it came first.
                for piece in thinkTags.separateReasoningArrived() { append(piece) }
                appendThinking(reasoning)
            }
            if let content = delta.content, !content.isEmpty {
                for piece in thinkTags.feed(content) { append(piece) }
            }
            if let toolCalls = delta.toolCalls, !toolCalls.isEmpty {
                // Content held back while it might still open with `<think>` or end at a bare
                // `</think>` is text that came before the calls: it goes first, not after them
                // (PROTOCOL 3 block order).
                for piece in thinkTags.endLeadingWhitespace() { append(piece) }
                for call in toolCalls {
                    receiveToolCall(call)
                }
            }
            if let reason = choice.finishReason { finishReason = reason }
            if let stop = choice.matchedStop { matchedStop = stop }
        }
        return take()
    }

    /// Closes the message: the last block, `message_delta` with stop reason and usage, `message_stop`.
    public mutating func finish() -> [StreamEvent] {
        guard !isFinished else { return [] }
        events = start()
        for piece in thinkTags.flush() { append(piece) }
        closeOpenBlock()
        openQueuedCalls()
        if nextIndex == 0 {
            // Every message has at least one block.
            events.append(.contentBlockStart(index: 0, block: .text(TextBlock(text: ""))))
            events.append(.contentBlockStop(index: 0))
            nextIndex = 1
        }
        isFinished = true
        let cached = usage?.cachedTokens ?? 0
        let finalUsage = Usage(
            inputTokens: usage.map { max(0, $0.promptTokens - cached) } ?? estimatedInputTokens,
            outputTokens: usage?.completionTokens ?? (outputCharacters + 3) / 4,
            cacheReadInputTokens: cached)
        let (reason, sequence) = stopReason()
        events.append(.messageDelta(stopReason: reason, stopSequence: sequence, usage: finalUsage))
        events.append(.messageStop)
        return take()
    }

    /// Ends the stream with one `error` event (an upstream failure after the first byte).
    public mutating func fail(_ error: APIError) -> [StreamEvent] {
        guard !isFinished else { return [] }
        isFinished = true
        var out = start()
        out.append(.error(error))
        return out
    }

    private func stopReason() -> (StopReason, String?) {
        if sawToolUse { return (.toolUse, nil) }
        switch finishReason {
        case "length": return (.maxTokens, nil)
        case "tool_calls", "function_call": return (.toolUse, nil)
        case "content_filter": return (.refusal, nil)
        case "stop" where matchedStop != nil: return (.stopSequence, matchedStop)
        default: return (.endTurn, nil)
        }
    }

    private mutating func take() -> [StreamEvent] {
        defer { events = [] }
        return events
    }

    // MARK: Text and thinking

    private mutating func append(_ piece: ThinkTagSplitter.Piece) {
        switch piece {
        case .reasoning(let r): appendThinking(r)
        case .text(let t): appendText(t)
        }
    }

    private mutating func appendThinking(_ text: String) {
        outputCharacters += text.utf8.count
        if case .thinking(let index) = open {
            events.append(.contentBlockDelta(index: index, delta: .thinking(text)))
            return
        }
        closeOpenBlock()
        openQueuedCalls()
        let index = openBlock()
        open = .thinking(index: index)
        events.append(.contentBlockStart(index: index, block: .thinking(ThinkingBlock(thinking: "", signature: ""))))
        events.append(.contentBlockDelta(index: index, delta: .thinking(text)))
    }

    private mutating func appendText(_ text: String) {
        outputCharacters += text.utf8.count
        if case .text(let index) = open {
            events.append(.contentBlockDelta(index: index, delta: .text(text)))
            return
        }
        closeOpenBlock()
        openQueuedCalls()
        let index = openBlock()
        open = .text(index: index)
        events.append(.contentBlockStart(index: index, block: .text(TextBlock(text: ""))))
        events.append(.contentBlockDelta(index: index, delta: .text(text)))
    }

    private mutating func openBlock() -> Int {
        defer { nextIndex += 1 }
        return nextIndex
    }

    private mutating func closeOpenBlock() {
        switch open {
        case .text(let index):
            events.append(.contentBlockStop(index: index))
        case .thinking(let index):
            events.append(.contentBlockDelta(index: index, delta: .signature(Self.thinkingSignature)))
            events.append(.contentBlockStop(index: index))
        case .toolUse(let call):
            closeCall(call)
        case nil:
            break
        }
        open = nil
    }

    // MARK: Tool calls

    private mutating func receiveToolCall(_ delta: ChatChunk.ToolCallDelta) {
        let position = callPosition(for: delta)
        if calls[position].name == nil, let name = delta.function?.name, !name.isEmpty {
            // Some servers repeat the name in every fragment: the first one counts.
            calls[position].name = name
        }
        if let fragment = delta.function?.arguments, !fragment.isEmpty {
            outputCharacters += fragment.utf8.count
            calls[position].completion.feed(fragment)
            if case .toolUse(let current) = open, current == position {
                events.append(.contentBlockDelta(index: calls[position].blockIndex ?? 0, delta: .inputJSON(fragment)))
            } else if !calls[position].closed {
                calls[position].pendingArguments += fragment
            }
        }
        if case .toolUse(let current) = open, current != position, calls[current].completion.isComplete {
            // The open call's arguments are whole: make way for the next one.
            closeOpenBlock()
        }
        if open == nil || isOpenBlockTextOrThinking {
            openNextCall(preferring: position)
        }
    }

    private var isOpenBlockTextOrThinking: Bool {
        switch open {
        case .text, .thinking: return true
        default: return false
        }
    }

    /// The call a fragment belongs to: same upstream index (and same id, when one is given);
    /// without an index, the call with the same id, or else the call of the last fragment;
    /// otherwise a new call.
    private mutating func callPosition(for delta: ChatChunk.ToolCallDelta) -> Int {
        let id = delta.id.flatMap { $0.isEmpty ? nil : $0 }
        if let index = delta.index {
            if let position = callByUpstreamIndex[index] {
                let known = calls[position].upstreamID
                if let id, let known, id != known {
                    // A new id at a reused index is a new call.
                } else {
                    if known == nil, let id { calls[position].upstreamID = id }
                    lastCall = position
                    return position
                }
            }
            let position = newCall(id: id)
            callByUpstreamIndex[index] = position
            return position
        }
        if let id {
            // Servers that repeat the id in every fragment but send no index (same id, same call).
            if let position = calls.lastIndex(where: { $0.upstreamID == id }) {
                lastCall = position
                return position
            }
            return newCall(id: id)
        }
        return lastCall ?? newCall(id: nil)
    }

    private mutating func newCall(id: String?) -> Int {
        calls.append(ToolCallState(upstreamID: id))
        lastCall = calls.count - 1
        return calls.count - 1
    }

    /// Opens `position` if it can be opened, else the first waiting call that can.
    private mutating func openNextCall(preferring position: Int) {
        let candidates = [position] + calls.indices.filter { $0 != position }
        guard let next = candidates.first(where: { calls[$0].blockIndex == nil && calls[$0].name != nil }) else { return }
        closeOpenBlock()
        openCall(next)
    }

    private mutating func openCall(_ position: Int) {
        let index = openBlock()
        calls[position].blockIndex = index
        sawToolUse = true
        open = .toolUse(call: position)
        let name = toolNames.clientName(for: calls[position].name ?? "unknown_tool")
        let id = Self.clientToolID(calls[position].upstreamID, messageID: messageID, index: index)
        events.append(.contentBlockStart(index: index, block: .toolUse(ToolUseBlock(id: id, name: name, input: .object([:])))))
        if !calls[position].pendingArguments.isEmpty {
            events.append(.contentBlockDelta(index: index, delta: .inputJSON(calls[position].pendingArguments)))
            calls[position].pendingArguments = ""
        }
    }

    private mutating func closeCall(_ position: Int) {
        guard let index = calls[position].blockIndex, !calls[position].closed else { return }
        let suffix = calls[position].completion.closingSuffix
        if !suffix.isEmpty {
            // Arguments cut short (max_tokens): close them so the client can parse the input.
            events.append(.contentBlockDelta(index: index, delta: .inputJSON(suffix)))
        }
        calls[position].closed = true
        events.append(.contentBlockStop(index: index))
    }

    /// Opens, fills and closes every call that is still waiting for its block.
    private mutating func openQueuedCalls() {
        for position in calls.indices where calls[position].blockIndex == nil {
            closeOpenBlock()
            openCall(position)
        }
        closeOpenBlock()
    }

    /// The upstream id when it is safe for clients, else one derived from it (or made up).
    static func clientToolID(_ upstreamID: String?, messageID: String, index: Int) -> String {
        guard let upstreamID, !upstreamID.isEmpty else {
            return "toolu_\(messageID.replacingUnsafeIDCharacters)_\(index)"
        }
        return upstreamID.replacingUnsafeIDCharacters
    }
}

extension String {
    /// Characters outside `[a-zA-Z0-9_-]` become `_` (ids like `functions.X:0` break clients).
    var replacingUnsafeIDCharacters: String {
        let safe = unicodeScalars.allSatisfy { $0.isSafeIDCharacter }
        if safe { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { $0.isSafeIDCharacter ? $0 : "_" }))
    }
}

extension Unicode.Scalar {
    fileprivate var isSafeIDCharacter: Bool {
        switch value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F, 0x2D: return true
        default: return false
        }
    }
}
