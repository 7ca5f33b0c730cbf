import ClaudeAPI
import Foundation

/// One saved conversation: Claude-format messages plus what is needed to continue it.
///
/// On disk it is `$XDG_DATA_HOME/nebius-chat/sessions/<id>.json`:
/// ```json
/// {"version": 1, "id": "20250101-120000-3f2a", "model": "zai-org/GLM-4.7-FP8",
///  "system": null, "created": "2025-01-01T12:00:00Z", "updated": "...",
///  "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}, ...],
///  "usage": {"byModel": {...}}, "archived": [...]}
/// ```
/// `archived` (``CompactedTurns``) holds the turns compactions replaced; files written before
/// it existed load with an empty list.
public struct Session: Sendable, Hashable, Codable {
    public var version: Int = 1
    public var id: String
    /// The model the conversation asks for (what `/model` shows).
    public var model: String
    public var system: String?
    public var created: Date
    public var updated: Date
    public var messages: [Message]
    public var usage: UsageLedger
    /// The turns compactions replaced with summaries, oldest first; never sent to the model.
    public var archived: [CompactedTurns] = []

    public init(id: String, model: String, system: String? = nil, created: Date = Date(), messages: [Message] = [], usage: UsageLedger = UsageLedger()) {
        self.id = id
        self.model = model
        self.system = system
        self.created = created
        self.updated = created
        self.messages = messages
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case version, id, model, system, created, updated, messages, usage, archived
    }

    /// Only `model` and `messages` are required: metadata that is missing or unreadable (an
    /// older or newer version of the file) takes its default rather than losing the conversation.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = (try? c.decodeIfPresent(Int.self, forKey: .version)) ?? 1
        id = (try? c.decodeIfPresent(String.self, forKey: .id)) ?? ""
        model = try c.decode(String.self, forKey: .model)
        system = try? c.decodeIfPresent(String.self, forKey: .system)
        created = (try? c.decodeIfPresent(Date.self, forKey: .created)) ?? Date(timeIntervalSince1970: 0)
        updated = (try? c.decodeIfPresent(Date.self, forKey: .updated)) ?? created
        messages = try c.decode([Message].self, forKey: .messages)
        usage = (try? c.decodeIfPresent(UsageLedger.self, forKey: .usage)) ?? UsageLedger()
        // Like `messages`, what was said: a damaged archive makes the file damaged (kept aside
        // unchanged) rather than being dropped by the next save.
        archived = try c.decodeIfPresent([CompactedTurns].self, forKey: .archived) ?? []
    }

    /// The first line of the first prompt, shortened: how `/sessions` names a conversation.
    public var title: String {
        for message in messages where message.role == .user {
            for case .text(let block) in message.content {
                let firstLine = block.text.split(separator: "\n").first.map(String.init) ?? ""
                let trimmed = firstLine.trimmingWhitespace()
                if trimmed.isEmpty { continue }
                return trimmed.count > 60 ? String(trimmed.prefix(59)) + "…" : trimmed
            }
        }
        return "(empty)"
    }

    /// Prompts answered (tool rounds within a turn do not count).
    public var turns: Int { messages.filter(Conversation.isPrompt).count }

    /// Exchanges kept in ``archived`` (prompts that compactions replaced).
    public var archivedTurns: Int { archived.reduce(0) { $0 + $1.messages.filter(Conversation.isPrompt).count } }
}
