import ClaudeAPI
import Foundation

/// Turns a compaction replaced with a summary. The session file keeps them in its `archived`
/// list, oldest compaction first, so that nothing said is lost; they are never sent to the
/// model again (requests carry ``Session/messages`` only).
///
/// ```json
/// "archived": [{"compacted": "2025-01-01T12:30:00Z", "summary": "The user asked ...",
///               "messages": [{"role": "user", "content": [...]}, ...]}]
/// ```
/// Read one after the other, the archived lists and then `messages` (after its summary
/// exchange) give the whole conversation in order: a later compaction does not archive the
/// earlier summary again.
public struct CompactedTurns: Sendable, Hashable, Codable {
    /// When the compaction was made.
    public var compacted: Date
    /// The summary the turns became (the text of the summary message, without its heading).
    public var summary: String
    /// The replaced messages as they were, Claude format.
    public var messages: [Message]

    public init(compacted: Date, summary: String, messages: [Message]) {
        self.compacted = compacted
        self.summary = summary
        self.messages = messages
    }
}

/// One line of `/archive`: what each compaction replaced, a line or two per message.
public enum ArchiveLine: Sendable, Hashable {
    /// `Compacted 2025-01-01T12:30:00Z: 3 exchanges`.
    case heading(String)
    case prompt(String)
    case answer(String)

    /// The listing of `archived`, oldest compaction first.
    public static func listing(_ archived: [CompactedTurns], lines: Int = 2) -> [ArchiveLine] {
        var listing: [ArchiveLine] = []
        for entry in archived {
            let prompts = entry.messages.filter(Conversation.isPrompt).count
            listing.append(.heading("Compacted \(entry.compacted.formatted(.iso8601)): \(prompts) exchange\(prompts == 1 ? "" : "s")"))
            for message in entry.messages {
                let text = Self.shortened(Self.text(of: message), lines: lines)
                if text.isEmpty { continue }
                listing.append(message.role == .user ? .prompt(text) : .answer(text))
            }
        }
        return listing
    }

    /// The text of a message, with tool calls, results and attachments named in brackets.
    static func text(of message: Message) -> String {
        message.content.map { block -> String in
            switch block {
            case .text(let b): b.text
            case .image: "[image]"
            case .document: "[document]"
            case .toolUse(let use): "[called \(use.name)]"
            case .toolResult(let result): result.isError ? "[tool error]" : "[tool result]"
            case .thinking, .redactedThinking: ""
            case .unknown(let type, _): "[\(type)]"
            }
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func shortened(_ text: String, lines: Int) -> String {
        let all = text.split(separator: "\n", omittingEmptySubsequences: true)
        var kept = all.prefix(lines).map { $0.count > 200 ? $0.prefix(199) + "…" : $0 }.joined(separator: "\n")
        if all.count > lines { kept += " …" }
        return kept
    }
}
