import ClaudeAPI
import Foundation
import Translation
import Upstream

/// The interactive chat: reads prompts and slash commands, streams answers, saves the
/// conversation after every finished turn.
///
/// ```swift
/// let repl = ChatREPL(options: options, service: service, catalogue: catalogue)
/// await repl.run()
/// ```
public final class ChatREPL {
    let options: ChatOptions
    let runner: TurnRunner
    let catalogue: ModelCatalogue?
    let router: ModelRouter
    let store: SessionStore
    let out = TextOutput.standardOutput
    let err = TextOutput.standardError
    let style: TerminalStyle
    let errStyle: TerminalStyle
    let interrupts = InterruptMonitor()
    var editor: LineEditor!
    var conversation: Conversation
    var showReasoning: Bool
    /// Markdown: whether answers are rendered (`/markdown on|off`); see ChatREPL+Markdown.swift.
    var renderMarkdown: Bool
    /// Whether the current conversation is on disk (a new one is written after its first turn).
    var isSaved = false

    public init(options: ChatOptions, service: any MessagesServing, catalogue: ModelCatalogue?) {
        self.options = options
        self.runner = TurnRunner(service: service)
        self.catalogue = catalogue
        self.router = ModelRouter(config: options.translation)
        self.store = SessionStore(directory: options.sessionsDirectory)
        self.style = .detect(output: .standardOutput, noColor: options.noColor)
        self.errStyle = .detect(output: .standardError, noColor: options.noColor)
        self.showReasoning = options.showReasoning
        self.renderMarkdown = MarkdownStyle.shouldRender(
            output: .standardOutput, noColor: options.noColor, term: ProcessInfo.processInfo.environment["TERM"])
        let model = options.model ?? options.translation.bigModel
        self.conversation = Conversation(
            session: Session(id: "", model: model, system: options.system), maxTokens: options.maxTokens)
    }

    /// Runs until `/exit`, Ctrl-D, or the end of piped input.
    public func run() async {
        let isTerminal = isatty(0) == 1
        editor = LineEditor(
            historyPath: prepareHistoryFile(),
            isTerminal: isTerminal,
            completer: LineCompleter(sessionIDs: store.list().map(\.id)))
        startCatalogueFetch()
        printBanner()
        openSession()

        var pending = ContinuedLine()
        while true {
            let prompt = pending.isEmpty ? mainPrompt() : style.promptSafe(style.dim("... "))
            switch await editor.readLine(prompt: prompt) {
            case .endOfInput:
                editor.flush()
                return
            case .interrupted:
                pending = ContinuedLine()
                continue
            case .line(let line):
                if !pending.add(line) { continue }
                let text = pending.text
                pending = ContinuedLine()
                editor.addHistory(text)
                if await handle(text) == .exit {
                    editor.flush()
                    return
                }
            }
        }
    }

    enum Next { case goOn, exit }

    /// One complete input: a slash command or a prompt.
    func handle(_ text: String) async -> Next {
        if text.trimmingWhitespace().isEmpty { return .goOn }
        if let command = SlashCommand.parse(text) {
            return await perform(command)
        }
        var prompt = text
        if prompt.drop(while: { $0 == " " }).hasPrefix("//") {
            // `//x` sends `/x`.
            prompt = String(prompt.drop(while: { $0 == " " }).dropFirst())
        }
        // Files: `@path` words attach the files they name.
        guard attachReferences(in: prompt) else { return .goOn }
        let user = conversation.takeUserMessage(text: prompt)
        await send(user)
        return .goOn
    }

    /// Streams the answer to `user`, then records the turn and saves the session. Near the
    /// routed model's window the conversation is compacted first; a context-overflow refusal
    /// compacts once and sends again (`afterOverflow` marks that second try). `user` is `nil`
    /// to continue an unfinished turn from the tool results at the end of the history.
    func send(_ user: Message?, afterOverflow: Bool = false) async {
        // Context: compact before a request that would come near the window.
        if !afterOverflow { await compactIfNearWindow(before: user) }
        var request = conversation.request(for: user)
        let upstreamModel = router.route(request)
        if request.maxTokens == nil, let budget = catalogue?.chatMaxTokens(for: upstreamModel) {
            request.maxTokens = budget
        }
        let renderer = StreamRenderer(answer: out, reasoning: showReasoning ? out : nil, style: style,
                                      markdown: markdownRenderer(), columns: answerColumns)
        let runner = self.runner
        let tools = toolLoop()  // MCP tools
        let task = Task { await runner.run(request, renderer: renderer, tools: tools) }
        let outcome = await interrupts.whileArmed(onInterrupt: { task.cancel() }) { await task.value }

        for warning in outcome.warnings { note(warning) }
        switch outcome.ending {
        case .completed, .interrupted:
            let interrupted: Bool
            if case .interrupted = outcome.ending { interrupted = true } else { interrupted = false }
            conversation.commit(user: user, steps: outcome.steps, answer: outcome.message, interrupted: interrupted)
            if outcome.message?.stopReason == .maxTokens {
                out.line(style.yellow("[the answer reached its token limit (max_tokens \(request.maxTokens.map(String.init) ?? "default"))]"))
            }
            // The model that answered: a fallback may have stood in for the routed one.
            let answered = outcome.route?.model ?? upstreamModel
            if let route = outcome.route, let text = FallbackNote.text(route) { note(text) }
            if let usage = outcome.message?.usage {
                conversation.session.usage.record(model: answered, usage: usage)
                // An interrupted answer has no final count: no usage line for it.
                if !interrupted {
                    let price = catalogue?.pricesIfFetched()[answered]
                    let input = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens
                    let cost = price?.cost(input: input, output: usage.outputTokens)
                    out.line(style.dim(UsageLine.format(model: answered, usage: usage, seconds: outcome.seconds, cost: cost)))
                    out.line()
                }
            }
            saveSession()
        case .failed(let failure):
            // Tool rounds that ran before the failure stay in the conversation (and on disk):
            // the next try continues from their results instead of running the tools again.
            let keptResults = conversation.keepUnfinished(user: user, steps: outcome.steps)
            if keptResults > 0 {
                // The rounds that ran were answered (and billed) even though the turn failed.
                if let usage = outcome.roundsUsage {
                    conversation.session.usage.record(model: outcome.route?.model ?? upstreamModel, usage: usage)
                }
                saveSession()
            }
            let next = keptResults > 0 ? nil : user
            // Context: an overflow compacts once and sends again; a second one is reported.
            if !afterOverflow, Compactor.isContextOverflow(failure),
               await compactAfterOverflow(failure, model: upstreamModel, continuing: next == nil) {
                await send(next, afterOverflow: true)
                return
            }
            if let next { conversation.failedPrompt = next }
            let needsVision = upstreamModel == options.translation.visionModel
            let message = await FailureReport.message(for: failure, model: upstreamModel, needsVision: needsVision, catalogue: catalogue)
            if let partial = outcome.message, partial.content.contains(where: { if case .text(let b) = $0 { return !b.text.isEmpty } else { return false } }) {
                out.line(style.yellow("[the answer broke off]"))
            }
            err.line(errStyle.red("error: ") + message)
            if afterOverflow, Compactor.isContextOverflow(failure) {
                err.line(errStyle.dim("(it still does not fit after compacting: /clear starts over, /model picks a model with a larger window)"))
            }
            if keptResults > 0 {
                let kept = keptResults == 1
                    ? "the result of 1 tool call is kept: /retry continues from it without running the tool again"
                    : "the results of \(keptResults) tool calls are kept: /retry continues from them without running the tools again"
                err.line(errStyle.dim("(" + kept + ")"))
            } else if next == nil {
                err.line(errStyle.dim("(/retry continues the turn from its tool results)"))
            } else {
                err.line(errStyle.dim("(/retry sends the prompt again)"))
            }
        }
    }

    func mainPrompt() -> String {
        let images = conversation.pendingImages.count
        var tag = images == 0 ? "" : style.cyan("[\(images) image\(images == 1 ? "" : "s")] ")
        let files = conversation.pendingFiles.count
        if files > 0 { tag += style.cyan("[\(files) file\(files == 1 ? "" : "s")] ") }
        return style.promptSafe(tag + style.bold(">") + " ")
    }

    /// The first line, with the model the conversation will use (a resumed one's own), then
    /// once each replacement of a configured model that left the catalogue.
    func printBanner() {
        let parts = ["nebius-chat", describe(model: bannerModel()), "/help for commands", "Ctrl-D to leave"]
        out.line(style.dim(parts.joined(separator: " · ")))
        for notice in options.notices { warn("note: " + notice) }
    }

    /// The model of the conversation about to open: `--model`, else a resumed session's, else
    /// the default.
    func bannerModel() -> String {
        if let model = options.model { return model }
        let id: String?
        switch options.resume {
        case .fresh: id = nil
        case .mostRecent: id = store.mostRecentID()
        case .named(let name): id = SessionStore.isValidName(name) ? name : nil
        }
        guard let id, let model = store.model(ofSession: id) else { return conversation.session.model }
        return model
    }

    /// `zai-org/GLM-5.2`, or `sonnet -> Qwen/...` when the name is routed to another model.
    var modelDescription: String { describe(model: conversation.session.model) }

    func describe(model: String) -> String {
        let routed = router.route(modelName: model)
        return routed == model ? model : "\(model) -> \(routed)"
    }

    /// A quiet remark on stdout.
    func note(_ text: String) {
        out.line(style.dim(text))
    }

    /// A problem, on stderr.
    func warn(_ text: String) {
        err.line(errStyle.yellow(text))
    }

    func startCatalogueFetch() {
        guard let catalogue, let editor else { return }
        Task {
            if let models = await catalogue.models(waitingAtMost: .seconds(30)) {
                let ids = models.map(\.id).sorted()
                editor.updateCompleter { $0.modelIDs = ids }
            }
        }
    }

    func prepareHistoryFile() -> String? {
        guard let path = options.historyPath else { return nil }
        do {
            try AtomicFile.makeDirectory((path as NSString).deletingLastPathComponent)
            return path
        } catch {
            warn("history will not be kept: \(error)")
            return nil
        }
    }
}
