import ClaudeAPI
import Foundation
import Translation

/// Compacting a conversation: the older exchanges are replaced by one summary exchange, the
/// last few are kept as they are. Pure: the summary request is built here, sent by
/// ``Compactor``, and its answer turned into the new history here.
///
/// ```swift
/// guard let split = Compaction.split(messages, keepExchanges: 2) else { return }  // nothing old enough
/// let request = Compaction.summaryRequest(older: Array(messages[..<split]), model: model, window: 131_072)
/// // ... summary = answer text ...
/// Compaction.compact(&session, split: split, summary: summary)  // the older turns go to `archived`
/// ```
public enum Compaction {
    /// Exchanges `/compact` and automatic compaction keep as they are.
    public static let keptExchanges = 2

    /// The first line of the user message that carries a summary.
    public static let summaryHeading = "[Summary of the earlier part of this conversation, compacted to fit the model's context window]"
    static let summaryAcknowledgement = "Understood. I have the summary of our earlier conversation and will continue from it."

    /// Where the kept part of `messages` starts so that the last `keepExchanges` exchanges stay,
    /// or `nil` when there is nothing older to compact (no earlier exchange, or only an earlier
    /// summary). An exchange starts at a user message that does not carry tool results, so a
    /// `tool_use` is never separated from its `tool_result`.
    public static func split(_ messages: [Message], keepExchanges: Int) -> Int? {
        let starts = messages.indices.filter { i in
            messages[i].role == .user && !messages[i].content.contains { if case .toolResult = $0 { true } else { false } }
        }
        guard !starts.isEmpty else { return nil }
        let split: Int
        if keepExchanges <= 0 {
            split = messages.count
        } else {
            guard starts.count > keepExchanges else { return nil }
            split = starts[starts.count - keepExchanges]
        }
        guard split > 0 else { return nil }
        // An older part that is only the previous summary gains nothing from another one.
        if split == 2, isSummary(messages[0]) { return nil }
        return split
    }

    /// Whether `message` is a summary made by ``compacted(summary:kept:)``.
    public static func isSummary(_ message: Message) -> Bool {
        guard message.role == .user, case .text(let block)? = message.content.first else { return false }
        return block.text.hasPrefix(summaryHeading)
    }

    /// The number of exchanges (user prompts) in `messages`.
    public static func exchanges(in messages: [Message]) -> Int {
        messages.filter { m in m.role == .user && !isSummary(m) && !m.content.contains { if case .toolResult = $0 { true } else { false } } }.count
    }

    /// The answer budget of the summary request: an eighth of the window, 256 to 4,096 tokens.
    public static func summaryMaxTokens(window: Int?) -> Int {
        guard let window, window > 0 else { return 4096 }
        return min(4096, max(256, window / 8))
    }

    /// The request that asks the model for a summary of `older`. The older turns go as one
    /// transcript in one user message (images and PDFs named, not sent; reasoning left out), cut
    /// in the middle when it would not fit `window` with the summary's budget.
    public static func summaryRequest(older: [Message], model: String, window: Int?, instructions: String? = nil) -> MessagesRequest {
        let maxTokens = summaryMaxTokens(window: window)
        var text = transcript(older)
        if let window {
            // The instruction text, the system prompt and the chat template take about 400 tokens.
            text = fit(text, tokens: max(256, window - maxTokens - 400))
        }
        var ask = """
            Here is the earlier part of a conversation between a user and an assistant:

            <conversation>
            \(text)
            </conversation>

            Write a summary of it from which the assistant can carry on the conversation without the \
            original: what the user wants and asked for, what was decided or done, the facts, names, \
            numbers, file names, code and commands that matter, and what is still open or unfinished. \
            Keep it short, but keep every detail a later turn may need. Write only the summary.
            """
        if let instructions, !instructions.trimmingWhitespace().isEmpty {
            ask += "\n\nWhen summarising, focus on: " + instructions.trimmingWhitespace()
        }
        return MessagesRequest(
            model: model,
            messages: [Message(role: .user, content: [.text(TextBlock(text: ask))])],
            system: .text("You summarise conversations so that they can continue without their older turns."),
            maxTokens: maxTokens,
            stream: true)
    }

    /// Replaces the messages of `session` before `split` with the summary exchange and keeps
    /// them in ``Session/archived`` (with the time and the summary), so that they stay in the
    /// session file without being sent again. An earlier summary exchange at the start is not
    /// archived twice: its turns are in the archive already.
    public static func compact(_ session: inout Session, split: Int, summary: String, now: Date = Date()) {
        let split = min(max(0, split), session.messages.count)
        var older = Array(session.messages[..<split])
        if older.count >= 2, isSummary(older[0]), older[1].role == .assistant { older.removeFirst(2) }
        let text = summary.trimmingWhitespace()
        if !older.isEmpty {
            session.archived.append(CompactedTurns(compacted: now, summary: text, messages: older))
        }
        session.messages = compacted(summary: text, kept: Array(session.messages[split...]))
        session.updated = now
    }

    /// The new history: the summary exchange, then `kept`.
    public static func compacted(summary: String, kept: [Message]) -> [Message] {
        [
            Message(role: .user, content: [.text(TextBlock(text: summaryHeading + "\n\n" + summary.trimmingWhitespace()))]),
            Message(role: .assistant, content: [.text(TextBlock(text: summaryAcknowledgement))]),
        ] + kept
    }

    /// How many exchanges to keep so that the kept ones, a summary of `summaryTokens` and the
    /// next prompt fit `limit` prompt tokens: ``keptExchanges`` when they fit, else fewer, else 0.
    public static func keepCount(
        messages: [Message], next: Message?, system: String?, limit: Int, summaryTokens: Int, most: Int = keptExchanges
    ) -> Int {
        var keep = most
        while keep > 0 {
            if let split = split(messages, keepExchanges: keep) {
                let kept = Array(messages[split...]) + (next.map { [$0] } ?? [])
                let request = MessagesRequest(model: "", messages: kept, system: system.map { .text($0) })
                if TokenEstimator.estimate(request) + summaryTokens <= limit { return keep }
            }
            keep -= 1
        }
        return 0
    }

    /// The older turns as plain text, one `User:` / `Assistant:` paragraph per message.
    static func transcript(_ messages: [Message]) -> String {
        var parts: [String] = []
        for message in messages {
            let speaker = message.role == .user ? "User" : "Assistant"
            let body = message.content.compactMap(describe).joined(separator: "\n")
            if !body.isEmpty { parts.append("\(speaker): \(body)") }
        }
        return parts.joined(separator: "\n\n")
    }

    static func describe(_ block: ContentBlock) -> String? {
        switch block {
        case .text(let b):
            return b.text.isEmpty ? nil : b.text
        case .image:
            return "[an image]"
        case .document(let d):
            let title = d.title ?? "untitled"
            switch d.source {
            case .text(let text): return "[file \(title)]\n\(text)\n[end of \(title)]"
            case .content(let blocks): return "[file \(title)]\n" + blocks.compactMap(describe).joined(separator: "\n") + "\n[end of \(title)]"
            case .base64(let mediaType, _): return "[a \(mediaType == "application/pdf" ? "PDF" : mediaType) document: \(title)]"
            case .url(let url): return "[a document at \(url)]"
            }
        case .toolUse(let use):
            return "[called tool \(use.name) with \(use.input.compactText)]"
        case .toolResult(let result):
            let text = result.content.compactMap(describe).joined(separator: "\n")
            return "[tool result\(result.isError ? " (error)" : "")]\n\(text)"
        case .thinking, .redactedThinking, .unknown:
            return nil
        }
    }

    /// `text` cut in the middle to about `tokens` tokens (by ``TokenEstimator``), keeping more
    /// of the end (the recent turns) than of the start.
    static func fit(_ text: String, tokens: Int) -> String {
        let estimate = TokenEstimator.textTokens(text)
        guard estimate > tokens, tokens > 0 else { return text }
        let characters = Array(text)
        let keep = max(0, characters.count * tokens / estimate - 80)
        let head = keep / 3
        let tail = keep - head
        let dropped = characters.count - head - tail
        return String(characters[..<head])
            + "\n[... \(dropped) characters of the conversation left out here to fit the window ...]\n"
            + String(characters[(characters.count - tail)...])
    }
}
