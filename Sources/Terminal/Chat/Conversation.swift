import ClaudeAPI
import Foundation

/// The state of a chat: the session (messages, model, system prompt), images waiting for the
/// next prompt, and a prompt whose request failed. Pure: no I/O, every change is a method.
///
/// ```swift
/// var conversation = Conversation(session: Session(id: "x", model: "zai-org/GLM-4.7-FP8"))
/// let user = conversation.takeUserMessage(text: "hello")
/// let request = conversation.request(for: user)
/// // ... stream it ...
/// conversation.commit(user: user, answer: outcome.message, interrupted: false)
/// ```
public struct Conversation: Sendable {
    public var session: Session
    public var pendingImages: [ImageAttachment] = []
    /// Files (`/file`, `@path`) waiting for the next prompt, sent as document blocks.
    public var pendingFiles: [FileAttachment] = []
    /// A prompt whose request failed: not in the history, sent again by `/retry`.
    public var failedPrompt: Message?
    /// `max_tokens` for each request; `nil` lets the upstream decide (clamped by the translator).
    public var maxTokens: Int?

    /// What marks an answer cut short by Ctrl-C, in the saved conversation.
    public static let interruptedMark = "[interrupted by the user]"

    public init(session: Session, maxTokens: Int? = nil) {
        self.session = session
        self.maxTokens = maxTokens
    }

    /// The user message for `text` with the pending files and images (which are used up).
    public mutating func takeUserMessage(text: String) -> Message {
        var content: [ContentBlock] = pendingFiles.map(\.contentBlock) + pendingImages.map(\.contentBlock)
        if !text.isEmpty || content.isEmpty {
            content.append(.text(TextBlock(text: text)))
        }
        pendingImages = []
        pendingFiles = []
        return Message(role: .user, content: content)
    }

    /// The request that sends the history plus `user`.
    public func request(for user: Message) -> MessagesRequest {
        MessagesRequest(
            model: session.model,
            messages: session.messages + [user],
            system: session.system.map { .text($0) },
            maxTokens: maxTokens,
            stream: true
        )
    }

    /// Adds a finished exchange. An interrupted answer keeps what arrived, marked as
    /// interrupted; an answer that never started is kept as the mark alone, so the history
    /// still alternates user / assistant.
    /// `steps`: the tool rounds of the turn (tool calls and their results), kept between the
    /// prompt and the answer.
    public mutating func commit(user: Message, steps: [Message] = [], answer: MessagesResponse?, interrupted: Bool, now: Date = Date()) {
        var content = (answer?.content ?? []).filter(Self.isWorthKeeping)
        if interrupted {
            if let last = content.indices.last, case .text(var block) = content[last] {
                block.text += "\n\n" + Self.interruptedMark
                content[last] = .text(block)
            } else {
                content.append(.text(TextBlock(text: Self.interruptedMark)))
            }
        }
        if content.isEmpty { content = [.text(TextBlock(text: ""))] }
        session.messages.append(user)
        session.messages += steps  // MCP tools: tool rounds of the turn
        session.messages.append(Message(role: .assistant, content: content))
        session.updated = now
        failedPrompt = nil
    }

    /// Drops the last exchange; returns the prompt it removed, or `nil` if there was none.
    public mutating func undo(now: Date = Date()) -> Message? {
        failedPrompt = nil
        guard let lastUser = session.messages.lastIndex(where: Self.isPrompt) else { return nil }
        let removed = session.messages[lastUser]
        session.messages.removeSubrange(lastUser...)
        session.updated = now
        return removed
    }

    /// For `/retry`: removes the last answer and returns the prompt to send again (the failed
    /// prompt, if the last request failed).
    public mutating func takeRetryPrompt() -> Message? {
        if let failed = failedPrompt {
            failedPrompt = nil
            return failed
        }
        guard let lastUser = session.messages.lastIndex(where: Self.isPrompt) else { return nil }
        let prompt = session.messages[lastUser]
        session.messages.removeSubrange(lastUser...)
        return prompt
    }

    /// Starts over with the same model and system prompt under a new id.
    public mutating func clear(newID: String, now: Date = Date()) {
        session = Session(id: newID, model: session.model, system: session.system, created: now)
        pendingImages = []
        pendingFiles = []
        failedPrompt = nil
    }

    /// A user message that is a prompt, not only the results of tool calls (MCP tools).
    public static func isPrompt(_ message: Message) -> Bool {
        guard message.role == .user else { return false }
        return message.content.isEmpty || !message.content.allSatisfy { if case .toolResult = $0 { return true } else { return false } }
    }

    /// Empty text blocks and redacted reasoning add nothing to the history.
    static func isWorthKeeping(_ block: ContentBlock) -> Bool {
        switch block {
        case .text(let b): return !b.text.isEmpty
        case .thinking(let b): return !b.thinking.isEmpty
        case .redactedThinking: return false
        default: return true
        }
    }
}
