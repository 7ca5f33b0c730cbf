import ClaudeAPI
import Foundation
import Upstream

extension ChatREPL {
    func perform(_ command: SlashCommand) async -> Next {
        switch command {
        case .help:
            showHelp()
        case .exit:
            return .exit
        case .invalid(let usage):
            warn(usage)
        case .unknown(_, let hint):
            warn(hint)
        case .image(let paths):
            attach(paths)
        case .file(let paths):
            attachFiles(paths)
        case .compact(let focus):
            await compactNow(focus: focus)
        case .model(let id):
            await switchModel(to: id)
        case .system(let change):
            changeSystem(change)
        case .clear:
            conversation.clear(newID: store.newID())
            isSaved = false
            note("New conversation (the previous one stays saved; /sessions lists them).")
        case .retry:
            switch conversation.takeRetry() {
            case nil:
                warn("nothing to retry yet")
            case .prompt(let prompt):
                await send(prompt)
            case .continueTurn:
                note("Continuing the turn from the tool results it has (the tools are not run again).")
                await send(nil)
            }
        case .undo:
            guard let removed = conversation.undo() else {
                warn("nothing to undo")
                return .goOn
            }
            saveSession()
            note("Dropped the last exchange (\(Self.shorten(Self.plainText(removed), lines: 1))).")
        case .save(let name):
            saveAs(name)
        case .load(let name):
            load(name)
        case .sessions:
            listSessions()
        case .archive:
            showArchive()
        case .usage:
            let prices = await catalogue?.prices() ?? [:]
            for line in conversation.session.usage.summary(prices: prices) { out.line(line) }
            for line in contextLines() { out.line(line) }
        case .markdown(let on):
            setMarkdown(on)
        case .tools(let argument):  // MCP tools
            await toolsCommand(argument)
        case .think(let on):
            if let on { showReasoning = on }
            note("Reasoning is \(showReasoning ? "shown (dimmed)" : "hidden"); /think \(showReasoning ? "off" : "on") to change.")
        }
        return .goOn
    }

    func showHelp() {
        let width = SlashCommand.catalogue.map(\.usage.count).max() ?? 0
        for entry in SlashCommand.catalogue {
            out.line("  " + style.bold(entry.usage) + String(repeating: " ", count: width - entry.usage.count) + "  " + entry.summary)
        }
        out.line(style.dim("""
              End a line with \\ to continue on the next; pasted text is one prompt.
              Ctrl-C stops an answer (or clears the line), Ctrl-R searches history, Tab completes.
            """))
    }

    func attach(_ paths: [String]) {
        for path in paths {
            do {
                let image = try ImageAttachment.load(path: path, maxBytes: options.maxImageBytes, homeDirectory: options.homeDirectory)
                conversation.pendingImages.append(image)
                note("Attached \(image.summary); it goes with your next prompt (to \(options.translation.visionModel)).")
            } catch {
                warn(error.description)
            }
        }
    }

    func switchModel(to id: String?) async {
        guard let id else {
            let model = conversation.session.model
            let routed = router.route(modelName: model)
            out.line("model: \(model)" + (routed == model ? "" : " (upstream: \(routed))"))
            out.line(style.dim("prompts with images go to \(options.translation.visionModel); /model ID switches (Tab completes ids)"))
            return
        }
        guard let chosen = await resolveModel(id) else { return }
        conversation.session.model = chosen
        saveSession()
        note("Model: \(modelDescription).")
    }

    /// The model `/model NAME` means: a catalogue id as given; a Claude name (`sonnet`) as
    /// given, for the router; otherwise the one catalogue id that contains NAME. `nil` (after
    /// saying why) when there is none or several.
    func resolveModel(_ name: String) async -> String? {
        let lower = name.lowercased()
        if ["haiku", "sonnet", "opus"].contains(where: { lower.contains($0) }) { return name }
        guard let models = await catalogue?.models(waitingAtMost: ModelCatalogue.terminalWait), !models.isEmpty else { return name }
        if models.contains(where: { $0.id == name }) { return name }
        if name.contains("/") {
            warn(MissingModelHint.message(model: name, catalogue: models, needsVision: false))
            return nil
        }
        let matches = models.map(\.id).filter { $0.lowercased().contains(lower) }.sorted()
        switch matches.count {
        case 1:
            return matches[0]
        case 0:
            warn(MissingModelHint.message(model: name, catalogue: models, needsVision: false))
        default:
            warn("'\(name)' matches several models: \(matches.joined(separator: ", ")); say which (Tab completes)")
        }
        return nil
    }

    func changeSystem(_ change: SlashCommand.SystemChange) {
        switch change {
        case .show:
            if let system = conversation.session.system {
                out.line(system)
            } else {
                note("No system prompt. /system TEXT sets one.")
            }
        case .set(let text):
            conversation.session.system = text
            saveSession()
            note("System prompt set; it applies from the next prompt.")
        case .clear:
            conversation.session.system = nil
            saveSession()
            note("System prompt cleared.")
        }
    }

    func saveAs(_ name: String) {
        guard SessionStore.isValidName(name) else {
            warn("'\(name)' cannot be a session name (letters, digits, - _ . only)")
            return
        }
        let oldID = conversation.session.id
        if name == oldID {
            saveSession()
            note("Saved as '\(name)'.")
            return
        }
        if FileManager.default.fileExists(atPath: store.path(for: name)) {
            warn("a conversation '\(name)' exists already; /load \(name) to continue it, or pick another name")
            return
        }
        conversation.session.id = name
        do {
            try store.save(conversation.session)
            isSaved = true
        } catch {
            conversation.session.id = oldID
            warn("not saved: \(error)")
            return
        }
        // The conversation moved to its new name; the auto-named file would be a duplicate.
        if oldID != name, FileManager.default.fileExists(atPath: store.path(for: oldID)) {
            try? FileManager.default.removeItem(atPath: store.path(for: oldID))
        }
        editor?.updateCompleter { $0.sessionIDs = ($0.sessionIDs.filter { $0 != oldID } + [name]) }
        note("Saved as '\(name)'; later turns go there too. Back to it: /load \(name) or --session \(name).")
    }

    func load(_ name: String) {
        guard SessionStore.isValidName(name) else {
            warn("'\(name)' cannot be a session name")
            return
        }
        let before = conversation
        if !resume(id: name) {
            conversation = before
            if !FileManager.default.fileExists(atPath: store.path(for: name)) {
                warn("no saved conversation '\(name)'; /sessions lists them")
            }
        }
    }

    func listSessions() {
        let sessions = store.list()
        if sessions.isEmpty {
            note("No saved conversations yet.")
            return
        }
        let idWidth = min(30, sessions.prefix(30).map(\.id.count).max() ?? 0)
        for s in sessions.prefix(30) {
            let mark = s.id == conversation.session.id ? "*" : " "
            let id = s.id.count >= idWidth ? s.id : s.id + String(repeating: " ", count: idWidth - s.id.count)
            out.line("\(mark) \(style.bold(id))  \(Self.age(of: s.updated))  \(s.turns) turn\(s.turns == 1 ? " " : "s")  \(s.title)")
        }
        if sessions.count > 30 { note("(\(sessions.count - 30) older ones not shown)") }
        note("/load NAME continues one.")
    }

    static func age(of date: Date, now: Date = Date()) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        let text: String
        switch seconds {
        case ..<60: text = "just now"
        case ..<3600: text = "\(seconds / 60) min ago"
        case ..<86400: text = "\(seconds / 3600) h ago"
        default: text = "\(seconds / 86400) d ago"
        }
        return text.count < 10 ? text + String(repeating: " ", count: 10 - text.count) : text
    }

    static func plainText(_ message: Message) -> String {
        message.content.compactMap { if case .text(let b) = $0 { return b.text } else { return nil } }.joined(separator: " ")
    }
}
