import ClaudeAPI
import Foundation
import OpenAIAPI

/// A Claude request translated for the upstream, with what is needed to translate the answer back.
public struct TranslatedRequest: Sendable, Hashable {
    public var chat: ChatRequest
    /// Restores tool names that had to be shortened.
    public var toolNames: ToolNameMap
    /// Things left out on the way (unknown block types, server tools), for a debug log line.
    public var notes: [String]
}

/// Translates a Claude Messages request into an OpenAI chat-completions request. Pure.
///
/// ```swift
/// let translator = RequestTranslator(config: config)
/// let translated = try translator.translate(request, upstreamModel: router.route(request))
/// ```
public struct RequestTranslator: Sendable {
    public var config: TranslationConfig

    public init(config: TranslationConfig) {
        self.config = config
    }

    /// `max_tokens` sent when the request has none (`ask` and the REPL may leave it out).
    public static let defaultMaxTokens = 8192

    /// The upstream request for `request`.
    ///
    /// - Parameters:
    ///   - upstreamModel: the routed model id.
    ///   - contextWindow: the routed model's window (from the catalogue), when known: `max_tokens`
    ///     is then lowered so that the estimated prompt plus the answer fits it (PROTOCOL 8.2).
    ///   - estimatedInputTokens: ``TokenEstimator/estimate(_:)`` of `request`, when the caller has
    ///     it already (it is computed here otherwise, and only when `contextWindow` is given).
    public func translate(
        _ request: MessagesRequest, upstreamModel: String, contextWindow: Int? = nil, estimatedInputTokens: Int? = nil
    ) throws(APIError) -> TranslatedRequest {
        var state = TranslationState()
        var messages: [ChatMessage] = []
        if let system = systemText(of: request) {
            messages.append(ChatMessage(role: .system, content: .text(system)))
        }
        let conversation = Self.mergedTurns(request.messages.filter { $0.role != .system })
        let pairing = ToolPairing(conversation)
        let images = ImagePolicy(config: config, messages: conversation)
        for (index, message) in conversation.enumerated() {
            switch message.role {
            case .assistant:
                if let m = assistantMessage(message, pairing: pairing, state: &state) { messages.append(m) }
            case .user, .system:
                messages += try userMessages(
                    message, keepImages: images.keepsImages(ofMessageAt: index), pairing: pairing, state: &state)
            }
        }

        var chat = ChatRequest(model: upstreamModel, messages: Self.mergingAdjacentRoles(messages))
        // Without a client value, ask for a moderate answer rather than the ceiling, which can
        // exceed a small model's whole context.
        let asked = request.maxTokens ?? min(Self.defaultMaxTokens, config.maxTokens)
        let clamped = min(max(asked, config.minTokens), config.maxTokens)
        chat.maxTokens = clamped
        if let contextWindow, contextWindow > 0 {
            let estimate = estimatedInputTokens ?? TokenEstimator.estimate(request)
            let fitted = Self.fittedMaxTokens(clamped, estimatedInput: estimate, window: contextWindow, floor: config.minTokens)
            if fitted < clamped {
                chat.maxTokens = fitted
                state.notes.append(
                    "max_tokens lowered from \(clamped) to \(fitted) to fit the context window of \(contextWindow) tokens (estimated input \(estimate))")
            }
        }
        chat.temperature = request.temperature
        chat.topP = request.topP
        chat.topK = request.topK
        if let stops = request.stopSequences, !stops.isEmpty { chat.stop = stops }
        chat.user = request.metadata?.userID
        chat.reasoningEffort = Self.reasoningEffort(request)
        chat.responseFormat = StructuredOutput.responseFormat(for: request, notes: &state.notes)
        chat.stream = true
        chat.streamOptions = StreamOptions(includeUsage: true)
        let tools = translateTools(request.tools, state: &state)
        if !tools.isEmpty {
            chat.tools = tools
            chat.toolChoice = Self.toolChoice(request.toolChoice, names: &state.toolNames)
            if request.toolChoice?.disableParallelToolUse == true { chat.parallelToolCalls = false }
        }
        return TranslatedRequest(chat: chat, toolNames: state.toolNames, notes: state.notes)
    }

    // MARK: Window fit (PROTOCOL 8.2)

    /// The tokens kept free beside the estimated prompt: 2% of the window, at least 256.
    ///
    /// Why: ``TokenEstimator`` has no tokenizer and misses the chat template's own tokens, so
    /// the fit must leave room for its error near the window, yet not cut answers short when the
    /// prompt is far from it (the fit only bites when prompt plus `max_tokens` comes close to
    /// the window). 256 tokens covers a chat template and a few tools' worth of formatting on small
    /// windows; 2% (2,621 tokens of a 131,072 window) covers the estimator's typical error on
    /// a prompt that fills a large window to its last fifth. A larger estimator error makes the
    /// upstream answer with an overflow, which becomes `prompt is too long` (8.1) and makes
    /// Claude Code compact: the right outcome for a prompt that close to the window.
    public static func windowMargin(_ window: Int) -> Int {
        max(256, window / 50)
    }

    /// `maxTokens` lowered, if needed, so that `estimatedInput + result + margin <= window`;
    /// never below `floor` (at least 1), never raised.
    ///
    /// When the prompt alone leaves no room, the result is the floor, not 0 or less: the
    /// upstream then refuses the prompt itself, and that overflow is the one a client should see.
    static func fittedMaxTokens(_ maxTokens: Int, estimatedInput: Int, window: Int, floor: Int) -> Int {
        let room = window - estimatedInput - windowMargin(window)
        let lowest = max(1, floor)
        guard room < maxTokens else { return maxTokens }
        return min(maxTokens, max(lowest, room))
    }

    // MARK: System

    /// The system prompt and every `role: system` message, in order, as one text.
    func systemText(of request: MessagesRequest) -> String? {
        var parts = (request.system?.textBlocks ?? []).compactMap(Self.withoutBillingHeader)
        for message in request.messages where message.role == .system {
            for case .text(let block) in message.content {
                if let text = Self.withoutBillingHeader(block.text) { parts.append(text) }
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// Drops Claude Code's `x-anthropic-billing-header:` line: it changes on every request and
    /// would defeat the upstream's prefix cache.
    static func withoutBillingHeader(_ text: String) -> String? {
        // Fast path (system prompts run to tens of KB): no header line and some non-space text.
        if !text.utf8.containsBillingHeaderPrefix {
            return text.utf8.contains(where: { !$0.isASCIIWhitespaceOrNonASCII }) ? text : (text.trimmingWhitespace.isEmpty ? nil : text)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.filter { !$0.hasPrefix("x-anthropic-billing-header:") }
        let joined = kept.count == lines.count ? text : kept.joined(separator: "\n")
        return joined.trimmingWhitespace.isEmpty ? nil : joined
    }

    // MARK: Turns

    /// Consecutive messages of the same role become one.
    static func mergedTurns(_ messages: [Message]) -> [Message] {
        var merged: [Message] = []
        for message in messages {
            if let last = merged.last, last.role == message.role {
                merged[merged.count - 1].content += message.content
            } else {
                merged.append(message)
            }
        }
        return merged
    }

    /// Dropping a message (an assistant turn of unanswered calls, a user turn of unknown blocks)
    /// can leave two user or two assistant messages in a row: merge them as well.
    static func mergingAdjacentRoles(_ messages: [ChatMessage]) -> [ChatMessage] {
        var merged: [ChatMessage] = []
        merged.reserveCapacity(messages.count)
        for message in messages {
            guard let last = merged.last, last.role == message.role, message.role == .user || message.role == .assistant else {
                merged.append(message)
                continue
            }
            var combined = last
            combined.content = joined(last.content, message.content)
            if message.role == .assistant {
                let calls = (last.toolCalls ?? []) + (message.toolCalls ?? [])
                combined.toolCalls = calls.isEmpty ? nil : calls
                let reasoning = [last.reasoningContent, message.reasoningContent].compactMap { $0 }.filter { !$0.isEmpty }
                combined.reasoningContent = reasoning.isEmpty ? nil : reasoning.joined(separator: "\n")
            }
            merged[merged.count - 1] = combined
        }
        return merged
    }

    private static func joined(_ a: ChatContent?, _ b: ChatContent?) -> ChatContent? {
        switch (a, b) {
        case (nil, _): return b
        case (_, nil): return a
        case (.text(let x)?, .text(let y)?):
            return .text(x.isEmpty ? y : y.isEmpty ? x : x + "\n" + y)
        case (let x?, let y?):
            return .parts(parts(x) + parts(y))
        }
    }

    private static func parts(_ content: ChatContent) -> [ContentPart] {
        switch content {
        case .text(let t): return t.isEmpty ? [] : [.text(t)]
        case .parts(let p): return p
        }
    }

    func assistantMessage(_ message: Message, pairing: ToolPairing, state: inout TranslationState) -> ChatMessage? {
        var texts: [String] = []
        var reasoning: [String] = []
        var calls: [ToolCall] = []
        for block in message.content {
            switch block {
            case .text(let t) where !t.text.isEmpty:
                texts.append(t.text)
            case .thinking(let t) where !t.thinking.isEmpty:
                reasoning.append(t.thinking)
            case .toolUse(let use):
                guard pairing.answeredCalls.contains(use.id) else {
                    state.notes.append("dropped tool_use \(use.id) (\(use.name)): no tool_result follows it")
                    continue
                }
                calls.append(ToolCall(id: use.id, name: state.toolNames.upstreamName(for: use.name), arguments: use.input.compactText))
            case .text, .thinking, .redactedThinking:
                continue
            default:
                state.notes.append("dropped a \(block.type) block from an assistant message")
            }
        }
        if texts.isEmpty && calls.isEmpty && reasoning.isEmpty { return nil }
        // `content: null` next to tool calls makes llama.cpp answer 500: send "" instead.
        return ChatMessage(
            role: .assistant,
            content: .text(texts.joined(separator: "\n")),
            toolCalls: calls.isEmpty ? nil : calls,
            reasoningContent: reasoning.isEmpty ? nil : reasoning.joined(separator: "\n")
        )
    }

    /// Tool results first (as `tool` messages), then one user message with everything else,
    /// including images that came inside tool results.
    func userMessages(_ message: Message, keepImages: Bool, pairing: ToolPairing, state: inout TranslationState) throws(APIError) -> [ChatMessage] {
        var toolMessages: [ChatMessage] = []
        var resultParts: [ContentPart] = []
        var parts: [ContentPart] = []
        for block in message.content {
            switch block {
            case .toolResult(let result):
                let (text, images) = try flatten(result.content, keepImages: keepImages, state: &state)
                let body = result.isError ? "Error: " + text : text
                resultParts += images
                if pairing.knownCalls.contains(result.toolUseID) {
                    toolMessages.append(ChatMessage(role: .tool, content: .text(body), toolCallID: result.toolUseID))
                } else {
                    state.notes.append("tool_result \(result.toolUseID) has no matching tool_use; sent as text")
                    parts.append(.text("Result of tool call \(result.toolUseID):\n\(body)"))
                }
            default:
                parts += try contentParts(block, keepImages: keepImages, state: &state)
            }
        }
        let all = resultParts + parts
        guard !all.isEmpty else { return toolMessages }
        let onlyText = all.allSatisfy { if case .text = $0 { return true } else { return false } }
        let content: ChatContent
        if onlyText {
            content = .text(all.map { if case .text(let t) = $0 { return t } else { return "" } }.joined(separator: "\n"))
        } else {
            content = .parts(all)
        }
        return toolMessages + [ChatMessage(role: .user, content: content)]
    }

    /// The parts for one user content block (tool results are handled by the caller).
    func contentParts(_ block: ContentBlock, keepImages: Bool, state: inout TranslationState) throws(APIError) -> [ContentPart] {
        switch block {
        case .text(let t):
            return t.text.isEmpty ? [] : [.text(t.text)]
        case .image(let image):
            guard keepImages else { return [.text("[image from an earlier turn omitted]")] }
            switch image.source {
            case .base64(let mediaType, let data): return [.imageURL("data:\(mediaType);base64,\(data)")]
            case .url(let url): return [.imageURL(url)]
            }
        case .document(let document):
            return [.text(try documentText(document))]
        case .thinking, .redactedThinking:
            return []
        case .toolUse, .toolResult, .unknown:
            state.notes.append("dropped a \(block.type) block from a user message")
            return []
        }
    }

    /// Tool-result content as text, and its images as parts for the user message that follows.
    func flatten(_ blocks: [ContentBlock], keepImages: Bool, state: inout TranslationState) throws(APIError) -> (String, [ContentPart]) {
        var texts: [String] = []
        var images: [ContentPart] = []
        for block in blocks {
            for part in try contentParts(block, keepImages: keepImages, state: &state) {
                switch part {
                case .text(let t): texts.append(t)
                case .imageURL: images.append(part)
                }
            }
        }
        return (texts.joined(separator: "\n"), images)
    }

    func documentText(_ document: DocumentBlock) throws(APIError) -> String {
        let title = document.title.map { "\($0)\n\n" } ?? ""
        switch document.source {
        case .text(let text):
            return title + text
        case .content(let blocks):
            return title + blocks.compactMap { if case .text(let t) = $0 { return t.text } else { return nil } }.joined(separator: "\n")
        case .base64(let mediaType, let data) where mediaType.hasPrefix("text/"):
            guard let bytes = Data(base64Encoded: data) else {
                throw APIError(.invalidRequest, "document: source.data is not valid base64")
            }
            return title + String(decoding: bytes, as: UTF8.self)
        case .base64(let mediaType, _):
            throw APIError(
                .invalidRequest,
                "document: \(mediaType) documents cannot be sent to the upstream models; send the text instead (a text document source or a text block)")
        case .url(let url):
            throw APIError(.invalidRequest, "document: documents by URL (\(url)) are not supported; send the text instead")
        }
    }

    // MARK: Tools and parameters

    func translateTools(_ tools: [Tool]?, state: inout TranslationState) -> [ChatTool] {
        var out: [ChatTool] = []
        for tool in tools ?? [] {
            guard tool.isClientTool else {
                state.notes.append("server tool \(tool.name) (\(tool.type ?? "")) is not sent upstream")
                continue
            }
            out.append(ChatTool(function: FunctionDefinition(
                name: state.toolNames.upstreamName(for: tool.name),
                description: tool.description,
                parameters: tool.inputSchema ?? ["type": "object", "properties": [:]]
            )))
        }
        return out
    }

    static func toolChoice(_ choice: ToolChoice?, names: inout ToolNameMap) -> JSONValue? {
        guard let choice else { return nil }
        switch choice.type {
        case "auto": return "auto"
        case "any": return "required"
        case "none": return "none"
        case "tool":
            guard let name = choice.name else { return "required" }
            return ["type": "function", "function": ["name": .string(names.upstreamName(for: name))]]
        default: return nil
        }
    }

    /// `thinking` enabled or adaptive asks for reasoning; `output_config.effort` wins over the budget.
    static func reasoningEffort(_ request: MessagesRequest) -> String? {
        guard let thinking = request.thinking, thinking.isOn else { return nil }
        switch request.outputConfig?.effort {
        case "low": return "low"
        case "medium": return "medium"
        case "high", "xhigh", "max": return "high"
        default: break
        }
        guard let budget = thinking.budgetTokens else { return "medium" }
        if budget <= 4096 { return "low" }
        if budget <= 16384 { return "medium" }
        return "high"
    }
}

/// What the translation of one request accumulates as it goes.
struct TranslationState {
    var toolNames = ToolNameMap()
    var notes: [String] = []
}

/// Which tool calls have results and which results have calls, so that no orphan goes upstream.
struct ToolPairing {
    /// Ids of `tool_use` blocks that some later `tool_result` answers.
    let answeredCalls: Set<String>
    /// Ids of `tool_use` blocks that are sent (and so may be answered by a `tool` message).
    let knownCalls: Set<String>

    init(_ messages: [Message]) {
        var calls = Set<String>()
        var answered = Set<String>()
        for message in messages {
            for block in message.content {
                switch block {
                case .toolUse(let use) where message.role == .assistant:
                    calls.insert(use.id)
                case .toolResult(let result) where calls.contains(result.toolUseID):
                    answered.insert(result.toolUseID)
                default:
                    break
                }
            }
        }
        answeredCalls = answered
        knownCalls = answered
    }
}

private let billingHeaderPrefix = Array("x-anthropic-billing-header:".utf8)

extension String.UTF8View {
    /// Whether a line starts with `x-anthropic-billing-header:` (a byte scan, no grapheme breaking).
    var containsBillingHeaderPrefix: Bool {
        withContiguousStorageIfAvailable(Self.containsBillingHeaderPrefix)
            ?? Array(self).withUnsafeBufferPointer(Self.containsBillingHeaderPrefix)
    }

    private static func containsBillingHeaderPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix = billingHeaderPrefix
        guard bytes.count >= prefix.count else { return false }
        var i = 0
        let last = bytes.count - prefix.count
        while i <= last {
            // At a line start: compare; otherwise jump to the next line.
            if bytes[i] == UInt8(ascii: "x") && bytes[i + 1] == UInt8(ascii: "-") {
                var matched = true
                for k in 2..<prefix.count where bytes[i + k] != prefix[k] {
                    matched = false
                    break
                }
                if matched { return true }
            }
            while i < bytes.count && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            i += 1
        }
        return false
    }
}

extension UInt8 {
    /// ASCII whitespace, or a byte of a non-ASCII character (which may be Unicode whitespace).
    fileprivate var isASCIIWhitespaceOrNonASCII: Bool {
        self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 || self == 0x0B || self == 0x0C || self >= 0x80
    }
}
