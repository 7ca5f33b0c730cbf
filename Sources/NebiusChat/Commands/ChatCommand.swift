import ArgumentParser
import Terminal

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat interactively (the default when no subcommand is given).",
        discussion: """
            Type a prompt and press Enter; the answer streams in, with the model's reasoning \
            dimmed. End a line with \\ to continue on the next one; pasted text is one prompt.

            Answers are rendered as markdown as they stream (bold, code blocks with their \
            language, lists, links, aligned tables), wrapped to the terminal's width; \
            /markdown off prints the raw text, as NO_COLOR, TERM=dumb or a stdout that is not \
            a terminal do.

            Keys: Ctrl-C stops an answer (what arrived is kept) or clears the line; Ctrl-D on \
            an empty line leaves; Up/Down and Ctrl-R search the history; Tab completes \
            commands, model ids after /model and file paths after /image.

            Commands: /help /image PATH... /model [ID] /system [TEXT|-] /clear /retry /undo \
            /save NAME /load NAME /sessions /usage /think on|off /markdown on|off /tools [auto|ask] /exit

            MCP servers configured in $XDG_CONFIG_HOME/nebius-chat/mcp.json and ./.mcp.json \
            (the Claude Code format) start with the first prompt; their tools are offered to \
            the model, and each call is asked for ([y/N/a]) unless --yes or /tools auto.

            Every finished turn is saved to $XDG_DATA_HOME/nebius-chat/sessions/<id>.json \
            (default ~/.local/share); the prompt history is kept in \
            $XDG_STATE_HOME/nebius-chat/history (default ~/.local/state).

            Examples:
              nebius-chat                         a new conversation with BIG_MODEL
              nebius-chat -m openai/gpt-oss-120b  another model (see `nebius-chat models`)
              nebius-chat --continue              pick up the most recent conversation
              nebius-chat --session work          the conversation saved as "work"
              NO_COLOR=1 nebius-chat              no colours or escape codes (raw markdown)
            """
    )

    @Option(name: .shortAndLong, help: ArgumentHelp("The model to talk to (default: BIG_MODEL, or a resumed conversation's model).", valueName: "id"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("A system prompt for the conversation.", valueName: "text"))
    var system: String?

    @Flag(name: [.customShort("c"), .customLong("continue")], help: "Continue the most recent conversation.")
    var continueLatest = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Continue (or start) the conversation saved under this name.", valueName: "name"))
    var session: String?

    @Flag(name: .long, inversion: .prefixedNo, help: "Show the model's reasoning, dimmed (/think changes it).")
    var think = true

    @Option(name: .long, help: ArgumentHelp("Upper limit for the tokens of each answer (default: the upstream's).", valueName: "n"))
    var maxTokens: Int?

    @Flag(name: [.customShort("y"), .long], help: "Run MCP tool calls without asking (as /tools auto does).")
    var yes = false

    func validate() throws {
        if continueLatest && session != nil {
            throw ValidationError("--continue and --session exclude each other: --continue picks the most recent conversation, --session a named one.")
        }
        if let session, !SessionStore.isValidName(session) {
            throw ValidationError("--session: '\(session)' cannot be a session name (letters, digits, - _ . only).")
        }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
    }

    func run() async throws {
        let settings = try loadSettings(flags: [:])
        try requireAPIKey(settings)
        try await TerminalUpstream.with(settings: settings) { upstream in
            let resolution = await upstream.resolution()
            var options = ChatOptions(
                model: model, system: system,
                resume: continueLatest ? .mostRecent : session.map { .named($0) } ?? .fresh,
                historyPath: TerminalPaths.history, sessionsDirectory: TerminalPaths.sessions,
                showReasoning: think, noColor: TerminalPaths.noColor, maxTokens: maxTokens,
                translation: resolution.config, homeDirectory: TerminalPaths.home)
            options.notices = resolution.replacements.map(\.notice)
            // MCP tools: servers start with the first prompt and stop when the chat ends.
            let tools = MCPToolsSetup.make(auto: yes)
            options.tools = tools.setup
            options.notices += tools.warnings
            await ChatREPL(options: options, service: upstream.service, catalogue: upstream.catalogue).run()
            await tools.setup?.toolbox.shutdown()
        }
    }
}
