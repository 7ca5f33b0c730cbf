import ClaudeAPI
import Translation
import Upstream

/// The context window: `/usage`'s window lines, `/compact`, compaction before a request that
/// would come near the window, and once after the upstream refuses one as too long.
///
/// The summary is written by the conversation's own model: its window is known to hold the
/// older turns (they were sent to it before), which a smaller model's window may not.
extension ChatREPL {
    /// The window of `model` from the catalogue and the answer budget each request reserves,
    /// or `nil` when the catalogue does not know the model's window.
    func contextWindow(for model: String) -> ContextWindow? {
        guard let window = catalogue?.model(model)?.contextLength, window > 0 else { return nil }
        return ContextWindow(window: window, maxTokens: conversation.maxTokens ?? ModelCatalogue.chatMaxTokens(window: window))
    }

    /// The upstream model the next text prompt goes to.
    var nextUpstreamModel: String {
        router.route(conversation.request(for: Message(role: .user, content: [.text(TextBlock(text: ""))])))
    }

    /// `/usage`: how much of the routed model's window the conversation takes.
    func contextLines() -> [String] {
        let model = nextUpstreamModel
        let request = conversation.request(for: Message(role: .user, content: [.text(TextBlock(text: ""))]))
        let tokens = ContextWindow.promptTokens(request)
        guard let window = contextWindow(for: model) else {
            return [style.dim("context: ~\(UsageLedger.count(tokens)) tokens of conversation; the catalogue does not give \(model)'s window")]
        }
        return window.summary(promptTokens: tokens, model: model).map { style.dim($0) }
    }

    /// `/compact [FOCUS]`.
    func compactNow(focus: String?) async {
        let model = nextUpstreamModel
        let messages = conversation.session.messages
        guard Compaction.split(messages, keepExchanges: Compaction.keptExchanges) != nil else {
            note("Nothing to compact yet: /compact summarises what comes before the last \(Compaction.keptExchanges) exchanges.")
            return
        }
        let window = contextWindow(for: model)
        let before = ContextWindow.promptTokens(conversation.request(for: Message(role: .user, content: [])))
        guard let result = await compact(keep: Compaction.keptExchanges, model: model, window: window?.window, focus: focus) else { return }
        let after = ContextWindow.promptTokens(conversation.request(for: Message(role: .user, content: [])))
        var line = "Compacted \(result.summarised) older exchange\(result.summarised == 1 ? "" : "s") into a summary, kept the last \(result.kept)"
        line += ": ~\(UsageLedger.count(before)) -> ~\(UsageLedger.count(after)) tokens"
        if let window { line += " (\(window.percent(promptTokens: after)) of the window)" }
        note(line + "; " + archiveNote + ".")
    }

    /// Before sending `user`: when the request would pass the compaction threshold of the
    /// routed model's window, compacts (keeping as many recent exchanges as fit, up to two) and
    /// says so in one line. A failed compaction is reported and the prompt sent anyway.
    /// With `user` `nil` (continuing an unfinished turn), the last exchange always stays.
    func compactIfNearWindow(before user: Message?) async {
        let request = conversation.request(for: user)
        let model = router.route(request)
        guard let window = contextWindow(for: model) else { return }
        let tokens = ContextWindow.promptTokens(request)
        guard window.shouldCompact(promptTokens: tokens) else { return }
        let fitting = Compaction.keepCount(
            messages: conversation.session.messages, next: user, system: conversation.session.system,
            limit: window.promptLimit, summaryTokens: Compaction.summaryMaxTokens(window: window.window))
        // A continuation needs its own turn: its tool results are what the next request answers.
        let keep = user == nil ? max(1, fitting) : fitting
        guard Compaction.split(conversation.session.messages, keepExchanges: keep) != nil else { return }
        let percent = window.percent(promptTokens: tokens)
        guard let result = await compact(keep: keep, model: model, window: window.window, focus: nil) else { return }
        note("[context: the next request would take \(percent) of \(model)'s \(UsageLedger.count(window.window))-token window;"
            + " compacted \(result.summarised) older exchange\(result.summarised == 1 ? "" : "s") into a summary, kept \(result.kept); \(archiveNote)]")
    }

    /// After the upstream refused a request as too long: compacts once, keeping at most the last
    /// exchange. Returns whether the prompt should be sent again (not when there was nothing to
    /// compact, or the compaction failed). `continuing`: the next request continues the last,
    /// unfinished turn, which must stay.
    func compactAfterOverflow(_ failure: UpstreamFailure, model: String, continuing: Bool = false) async -> Bool {
        let messages = conversation.session.messages
        let window = contextWindow(for: model)?.window ?? Compactor.overflowWindow(failure)
        // The last exchange stays when there is something older; otherwise it is summarised too.
        let keep = continuing || Compaction.split(messages, keepExchanges: 1) != nil ? 1 : 0
        guard Compaction.split(messages, keepExchanges: keep) != nil else { return false }
        note("[context: \(model) refused the request as too long (\(failure.error.message)); compacting and sending again]")
        guard let result = await compact(keep: keep, model: model, window: window, focus: nil) else { return false }
        note("[context: compacted \(result.summarised) older exchange\(result.summarised == 1 ? "" : "s") into a summary, kept \(result.kept); \(archiveNote)]")
        return true
    }

    /// Replaces the exchanges before the last `keep` with a summary by `model`. Ctrl-C cancels
    /// it (the conversation is left as it was). `nil` (after saying why) when it failed.
    func compact(keep: Int, model: String, window: Int?, focus: String?) async -> (summarised: Int, kept: Int)? {
        let messages = conversation.session.messages
        guard let split = Compaction.split(messages, keepExchanges: keep) else { return nil }
        let older = Array(messages[..<split])
        let request = Compaction.summaryRequest(older: older, model: model, window: window, instructions: focus)
        let compactor = Compactor(service: runner.service)
        let task = Task { await compactor.summarise(request) }
        let outcome = await interrupts.whileArmed(onInterrupt: { task.cancel() }) { await task.value }
        switch outcome {
        case .failed(let failure):
            if failure.error.message == Compactor.cancelledMessage {
                warn("compaction cancelled; the conversation is unchanged")
            } else {
                warn("compaction failed: \(failure.error.message); the conversation is unchanged")
            }
            return nil
        case .summary(let summary, let usage, let answered):
            if let usage { conversation.session.usage.record(model: answered ?? model, usage: usage) }
            let kept = Array(messages[split...])
            // The older turns move to the session's archive: on disk, never sent again.
            Compaction.compact(&conversation.session, split: split, summary: summary)
            saveSession()
            return (Compaction.exchanges(in: older), Compaction.exchanges(in: kept))
        }
    }

    /// Where the compacted turns are kept, for the notice lines: the session file, `~` for home.
    var archiveNote: String {
        var path = store.path(for: conversation.session.id)
        let home = options.homeDirectory
        if !home.isEmpty, home != "/", path.hasPrefix(home + "/") { path = "~" + path.dropFirst(home.count) }
        return "the original turns are kept in \(path) (\"archived\")"
    }
}
