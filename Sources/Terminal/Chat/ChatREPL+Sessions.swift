import ClaudeAPI
import Foundation

extension ChatREPL {
    /// Starts the conversation the options ask for: new, the most recent, or a named one.
    func openSession() {
        switch options.resume {
        case .fresh:
            conversation.session.id = store.newID()
        case .mostRecent:
            guard let id = store.mostRecentID() else {
                note("No saved conversation yet; a new one with \(modelDescription).")
                conversation.session.id = store.newID()
                return
            }
            if !resume(id: id) {
                conversation.session.id = store.newID()
                note("A new conversation with \(modelDescription).")
            }
        case .named(let name):
            guard SessionStore.isValidName(name) else {
                warn("'\(name)' cannot be a session name (letters, digits, - _ . only); starting an unnamed conversation.")
                conversation.session.id = store.newID()
                return
            }
            if resume(id: name) { return }
            if FileManager.default.fileExists(atPath: store.path(for: name)) {
                // Damaged and not movable aside: `resume` chose another id, keep it.
                note("A new conversation with \(modelDescription), saved as '\(conversation.session.id)'.")
            } else {
                conversation.session.id = name
                note("New conversation '\(name)' with \(modelDescription).")
            }
        }
    }

    /// Loads session `id` into the conversation; `false` if it does not exist or is damaged
    /// (then the conversation gets an id that cannot overwrite the damaged file).
    @discardableResult
    func resume(id: String) -> Bool {
        do {
            guard var session = try store.load(id: id) else { return false }
            if let model = options.model { session.model = model }
            if let system = options.system { session.system = system }
            conversation = Conversation(session: session, maxTokens: options.maxTokens)
            isSaved = true
            note("Continuing '\(id)': \(session.turns) exchange\(session.turns == 1 ? "" : "s") with \(modelDescription).")
            if !session.archived.isEmpty {
                let n = session.archivedTurns
                note("(\(n) earlier exchange\(n == 1 ? " was" : "s were") compacted into a summary; \(archiveNote))")
            }
            showRecap()
            return true
        } catch {
            warn(error.description)
            if case .corrupt(_, _, nil) = error {
                // The damaged file could not be moved aside: never write over it.
                conversation.session.id = store.newID()
            }
            return false
        }
    }

    /// The last exchange of a resumed conversation, shortened, so the user sees where it was.
    func showRecap() {
        let messages = conversation.session.messages
        guard let lastUser = messages.lastIndex(where: Conversation.isPrompt) else { return }
        func text(_ message: Message) -> String {
            message.content.compactMap { block -> String? in
                switch block {
                case .text(let b): return b.text
                case .image: return "[image]"
                default: return nil
                }
            }.joined(separator: " ")
        }
        let prompt = Self.shorten(text(messages[lastUser]), lines: 2)
        out.line(style.dim("> ") + style.dim(prompt))
        if conversation.hasUnfinishedTurn {
            note("(this turn broke off after its tool calls; /retry continues from their results)")
        } else if let answer = messages.last, answer.role == .assistant, messages.count > lastUser + 1 {
            out.line(style.dim(Self.shorten(text(answer), lines: 4)))
        }
    }

    static func shorten(_ text: String, lines: Int) -> String {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false)
        var kept = all.prefix(lines).map { $0.count > 200 ? $0.prefix(199) + "…" : $0 }.joined(separator: "\n")
        if all.count > lines { kept += "\n…" }
        return kept
    }

    /// Writes the conversation if it holds anything; says so once if writing fails.
    func saveSession() {
        guard !conversation.session.messages.isEmpty || isSaved else { return }
        do {
            try store.save(conversation.session)
            isSaved = true
            let id = conversation.session.id
            editor?.updateCompleter { if !$0.sessionIDs.contains(id) { $0.sessionIDs.append(id) } }
        } catch {
            warn("the conversation was not saved: \(error)")
        }
    }
}

extension ChatREPL {
    /// `/archive`: what compactions replaced, a line or two per message, and where it all is.
    func showArchive() {
        let archived = conversation.session.archived
        guard !archived.isEmpty else {
            note("Nothing in this conversation was compacted (/compact summarises the older turns).")
            return
        }
        for line in ArchiveLine.listing(archived) {
            switch line {
            case .heading(let text): out.line(style.bold(text))
            case .prompt(let text): out.line(style.dim("> ") + text)
            case .answer(let text): out.line(style.dim(text))
            }
        }
        note("(shortened; \(archiveNote))")
    }
}
