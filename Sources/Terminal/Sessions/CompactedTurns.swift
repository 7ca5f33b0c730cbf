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
