import ClaudeAPI

/// Folds Claude stream events into the complete message: the non-streaming answer, session
/// history, and `ask --json` all come from here, so they always match what was streamed.
///
/// ```swift
/// var accumulator = MessageAccumulator()
/// for await event in events { accumulator.apply(event) }
/// let message = accumulator.message
/// ```
public struct MessageAccumulator: Sendable {
    private var base: MessagesResponse?
    private var blocks: [ContentBlock] = []
    private var partialInputs: [Int: String] = [:]
    /// The error that ended the stream, if one did.
    public private(set) var error: APIError?
    /// Whether `message_stop` arrived.
    public private(set) var isComplete = false
    /// Tool inputs that were not valid JSON and were replaced by `{}`.
    public private(set) var warnings: [String] = []

    public init() {}

    private static let placeholder = ContentBlock.redactedThinking(data: "")

    /// Appends a text, thinking or signature delta to a block of the matching kind.
    private static func grow(_ block: inout ContentBlock, by delta: BlockDelta) {
        switch delta {
        case .text(let text):
            guard case .text(var grown) = block else { return }
            block = placeholder
            grown.text += text
            block = .text(grown)
        case .thinking(let text):
            guard case .thinking(var grown) = block else { return }
            block = placeholder
            grown.thinking += text
            block = .thinking(grown)
        case .signature(let signature):
            guard case .thinking(var grown) = block else { return }
            block = placeholder
            grown.signature += signature
            block = .thinking(grown)
        case .inputJSON:
            return
        }
    }

    public mutating func apply(_ event: StreamEvent) {
        switch event {
        case .messageStart(let message):
            base = message
            blocks = message.content
        case .contentBlockStart(let index, let block):
            guard index == blocks.count else { return }
            blocks.append(block)
            if case .toolUse = block { partialInputs[index] = "" }
            if case .unknown("server_tool_use", _) = block { partialInputs[index] = "" }  // server tools: input as for tool_use
        case .contentBlockDelta(let index, let delta):
            guard blocks.indices.contains(index) else { return }
            if case .inputJSON(let fragment) = delta {
                if case .toolUse = blocks[index] { partialInputs[index, default: ""] += fragment }
                if case .unknown("server_tool_use", _) = blocks[index] { partialInputs[index, default: ""] += fragment }
                return
            }
            // The block leaves the array while it grows, so its text is uniquely referenced and
            // appends in place; growing it inside the array copies it on every delta (quadratic).
            var block = blocks[index]
            blocks[index] = Self.placeholder
            Self.grow(&block, by: delta)
            blocks[index] = block
        case .contentBlockStop(let index):
            finalizeInput(at: index)
        case .messageDelta(let stopReason, let stopSequence, let usage):
            base?.stopReason = stopReason
            base?.stopSequence = stopSequence
            base?.usage.outputTokens = usage.outputTokens
            if usage.inputTokens > 0 { base?.usage.inputTokens = usage.inputTokens }
            if usage.cacheReadInputTokens > 0 { base?.usage.cacheReadInputTokens = usage.cacheReadInputTokens }
            if usage.cacheCreationInputTokens > 0 { base?.usage.cacheCreationInputTokens = usage.cacheCreationInputTokens }
            if let serverToolUse = usage.serverToolUse { base?.usage.serverToolUse = serverToolUse }
        case .messageStop:
            isComplete = true
        case .error(let e):
            error = e
        case .ping:
            break
        }
    }

    /// The message so far (complete after `message_stop`); `nil` before `message_start`.
    public var message: MessagesResponse? {
        guard var message = base else { return nil }
        var copy = self
        for index in partialInputs.keys.sorted() { copy.finalizeInput(at: index) }
        message.content = copy.blocks
        return message
    }

    private mutating func finalizeInput(at index: Int) {
        guard let text = partialInputs.removeValue(forKey: index), blocks.indices.contains(index) else { return }
        // A server tool's input (serve's web search and fetch): kept as sent when no delta came.
        if case .unknown("server_tool_use", .object(var raw)) = blocks[index] {
            if !text.isEmpty { raw["input"] = ToolInput.parse(text).0 }
            blocks[index] = .unknown(type: "server_tool_use", raw: .object(raw))
            return
        }
        guard case .toolUse(var use) = blocks[index] else { return }
        let (input, ok) = ToolInput.parse(text)
        if !ok { warnings.append("tool \(use.name) (\(use.id)): arguments were not a JSON object, sent as {}: \(ErrorMapping.truncate(text, to: 200))") }
        use.input = input
        blocks[index] = .toolUse(use)
    }
}
