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

    /// The request that sends the history plus `user`; with `nil`, the history alone, which
    /// continues an unfinished turn from its tool results (``hasUnfinishedTurn``).
    public func request(for user: Message?) -> MessagesRequest {
        MessagesRequest(
            model: session.model,
            messages: session.messages + (user.map { [$0] } ?? []),
            system: session.system.map { .text($0) },
            maxTokens: maxTokens,
            stream: true
        )
    }

    /// Adds a finished exchange. An interrupted answer keeps what arrived, marked as
    /// interrupted; an answer that never started is kept as the mark alone, so the history
    /// still alternates user / assistant.
    /// `steps`: the tool rounds of the turn (tool calls and their results), kept between the
    /// prompt and the answer. `user` is `nil` when the turn continued an unfinished one (its
    /// prompt and earlier rounds are in the history already).
    public mutating func commit(user: Message?, steps: [Message] = [], answer: MessagesResponse?, interrupted: Bool, now: Date = Date()) {
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
        if let user { session.messages.append(user) }
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

    /// What `/retry` sends.
    public enum Retry: Sendable, Hashable {
        /// This prompt again (its earlier answer, if any, is removed from the history).
        case prompt(Message)
        /// The history as it is: the unfinished turn goes on from its tool results, without
        /// running its tools again.
        case continueTurn
    }

    /// For `/retry`: the failed prompt, if the last request failed before any tool ran; else
    /// the unfinished turn, if the last one broke off after its tool calls; else the last
    /// prompt, whose answer is removed.
    public mutating func takeRetry() -> Retry? {
        if let failed = failedPrompt {
            failedPrompt = nil
            return .prompt(failed)
        }
        if hasUnfinishedTurn { return .continueTurn }
        guard let lastUser = session.messages.lastIndex(where: Self.isPrompt) else { return nil }
        let prompt = session.messages[lastUser]
        session.messages.removeSubrange(lastUser...)
        return .prompt(prompt)
    }

    /// Whether the history ends with tool results the model has not answered: the upstream
    /// failed after tools ran. Sending the history as it is (``request(for:)`` with `nil`)
    /// continues the turn.
    public var hasUnfinishedTurn: Bool {
        guard let last = session.messages.last, last.role == .user else { return false }
        return !Self.isPrompt(last)
    }

    /// After a failure: keeps `user` (unless `nil`, a continuation) and the tool rounds that
    /// completed before it, so that the tools that ran are never run again. Only whole rounds
    /// are kept (an assistant `tool_use` message followed by the results of all its calls); a
    /// trailing call without its result is dropped. Returns the number of tool results kept;
    /// with none, the history is unchanged.
    @discardableResult
    public mutating func keepUnfinished(user: Message?, steps: [Message], now: Date = Date()) -> Int {
        let rounds = Self.completedRounds(steps)
        guard !rounds.isEmpty else { return 0 }
        if let user { session.messages.append(user) }
        session.messages += rounds
        session.updated = now
        failedPrompt = nil
        return rounds.reduce(0) { count, message in
            count + (message.role == .user ? message.content.filter { if case .toolResult = $0 { true } else { false } }.count : 0)
        }
    }

    /// The leading whole rounds of `steps`: pairs of an assistant message with `tool_use` blocks
    /// and the user message that holds a `tool_result` for each of them.
    public static func completedRounds(_ steps: [Message]) -> [Message] {
        var kept: [Message] = []
        var i = steps.startIndex
        while i + 1 < steps.endIndex {
            let call = steps[i], answer = steps[i + 1]
            let uses = Set(call.content.compactMap { if case .toolUse(let u) = $0 { u.id } else { nil } })
            let results = Set(answer.content.compactMap { if case .toolResult(let r) = $0 { r.toolUseID } else { nil } })
            guard call.role == .assistant, answer.role == .user, !uses.isEmpty, uses.isSubset(of: results),
                  !isPrompt(answer) else { break }
            kept += [call, answer]
            i += 2
        }
        return kept
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
