import ArgumentParser
import Foundation

struct ClaudeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claude",
        abstract: "Run Claude Code on Nebius models: serve in-process, then claude with the environment set.",
        discussion: """
            Starts serve on a free loopback port with a random client key for this launch, and
            runs Claude Code (`claude` from PATH, or --claude-path) pointed at it:
            ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN for the server;
            ANTHROPIC_DEFAULT_OPUS_MODEL / _SONNET_ / _HAIKU_ set to the Nebius ids that
            BIG_MODEL, MIDDLE_MODEL and SMALL_MODEL resolve to; CLAUDE_CODE_MAX_CONTEXT_TOKENS
            from the catalogue's window (so Claude Code compacts before the model's limit);
            CLAUDE_CODE_MAX_OUTPUT_TOKENS within MAX_TOKENS_LIMIT; CLAUDE_CODE_ATTRIBUTION_HEADER=0
            and CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1. A tuning variable you have set
            yourself wins; ANTHROPIC_API_KEY is not passed on.

            Every argument after `claude` goes to Claude Code untouched, as do the terminal,
            stdin and stdout. Ctrl-C reaches Claude Code alone; SIGTERM and SIGHUP are passed
            on. The exit status is Claude Code's. The server logs to
            $XDG_STATE_HOME/nebius-chat/claude.log and stops when Claude Code exits.

            Examples:
              nebius-chat claude
              nebius-chat claude -p "explain this repository" --output-format json
              nebius-chat claude --claude-path ~/.local/bin/claude --continue
            """
    )

    @Option(name: .long, help: "The Claude Code program (default: `claude` on PATH).")
    var claudePath: String?

    @Argument(parsing: .captureForPassthrough, help: "Arguments for Claude Code, passed on as they are.")
    var arguments: [String] = []

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let executable = ClaudeExecutable.find(explicit: claudePath, environment: environment) else {
            printError(ClaudeExecutable.missingMessage(explicit: claudePath))
            throw ExitCode(127)
        }
        let settings = try loadSettings(flags: [:])
        try requireAPIKey(settings)
        let status = try await ClaudeLauncher(settings: settings, executable: executable, arguments: arguments).run()
        throw ExitCode(status)
    }
}
