import ArgumentParser

@main
struct NebiusChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nebius-chat",
        abstract: "Chat with Nebius Token Factory models from the terminal, or serve them to Claude Code.",
        discussion: """
            Without a subcommand, starts the interactive chat.

            Settings come from flags, then the environment, then ./.env, then
            $XDG_CONFIG_HOME/nebius-chat/config.env (see .env.example for every name).
            The Nebius key is NEBIUS_API_KEY (or OPENAI_API_KEY).

            Examples:
              nebius-chat                                   interactive chat
              git diff | nebius-chat ask "review this"      one-shot, from a pipe
              nebius-chat claude                            Claude Code on Nebius models
              nebius-chat serve                             Claude Messages API on :8083
            """,
        version: "0.1.0",
        subcommands: [ChatCommand.self, AskCommand.self, ServeCommand.self, ClaudeCommand.self, ModelsCommand.self],
        defaultSubcommand: ChatCommand.self
    )
}

extension NebiusChatCommand {
    /// ArgumentParser's own `main`, except that a usage error (unknown flag, bad value) exits
    /// with status 2, as `ask --help` documents and shell tools do, rather than 64.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                // `nebius-chat modles` would otherwise get the chat's usage (the default subcommand).
                if let message = CommandSuggestion.message(
                    arguments: Array(CommandLine.arguments.dropFirst()), commands: subcommandNames) {
                    printError(message)
                    exit(withError: ExitCode(2))
                }
                printError(fullMessage(for: error))
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }

    /// The names a first argument may have: the subcommands, and ArgumentParser's `help`.
    static var subcommandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }
}
