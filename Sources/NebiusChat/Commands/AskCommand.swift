import ArgumentParser
import Terminal

struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask one question and print the answer (for scripts and pipes).",
        discussion: """
            The prompt is the arguments. When stdin is not a terminal, its content is added \
            after them (arguments, a blank line, then stdin). The answer goes to stdout; \
            reasoning (with --think), the usage line and errors go to stderr. On a terminal \
            the answer's markdown is rendered as it streams; piped or redirected (or with \
            NO_COLOR, TERM=dumb) stdout gets the model's text byte for byte.

            Exit status:
              0    the answer was printed
              1    the upstream refused or failed: bad key, unknown model, rate limit,
                   broken stream
              2    usage error: no prompt, an unusable --image, no API key, bad setting
              130  interrupted with Ctrl-C (the partial answer stays printed)

            Examples:
              nebius-chat ask "What is the capital of Australia?"
              git diff | nebius-chat ask "review this"
              nebius-chat ask --image shot.png "what is in this screenshot?"
              nebius-chat ask --json "say hi" | jq -r '.content[0].text'
              nebius-chat ask --system "Answer in French" --no-stream hello
            """
    )

    @Argument(help: ArgumentHelp("The prompt (several words are joined with spaces).", valueName: "prompt"))
    var words: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("The model (default: BIG_MODEL; with an image: VISION_MODEL).", valueName: "id"))
    var model: String?

    @Option(name: .long, help: ArgumentHelp("A system prompt.", valueName: "text"))
    var system: String?

    @Option(name: .long, help: ArgumentHelp("Attach an image (png, jpeg, gif, webp); repeat for several.", valueName: "path"),
            completion: .file(extensions: ["png", "jpg", "jpeg", "gif", "webp"]))
    var image: [String] = []

    @Option(name: .long, help: ArgumentHelp("Upper limit for the answer's tokens (default: the upstream's).", valueName: "n"))
    var maxTokens: Int?

    @Flag(name: .long, help: "Print the answer only when it is complete.")
    var noStream = false

    @Flag(name: .long, help: "Print the final message as Claude-format JSON (id, model, content, stop_reason, usage).")
    var json = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Show the model's reasoning on stderr.")
    var think = false

    func validate() throws {
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
    }

    func run() async throws {
        guard let prompt = PromptAssembly.prompt(arguments: words, stdin: StandardInput.readAllIfPiped()) else {
            printError("nebius-chat ask: nothing to ask: give a prompt as arguments or on stdin (see --help).")
            throw ExitCode(AskExitCode.usageError.rawValue)
        }
        let settings = try loadSettings(flags: [:])
        try requireAPIKey(settings)
        let code = try await TerminalUpstream.with(settings: settings) { upstream in
            let resolution = await upstream.resolution()
            var options = AskOptions(
                prompt: prompt, model: model ?? resolution.config.bigModel, system: system, imagePaths: image,
                maxTokens: maxTokens, stream: !noStream, json: json, showReasoning: think, noColor: TerminalPaths.noColor,
                translation: resolution.config, homeDirectory: TerminalPaths.home)
            options.notices = resolution.replacements.map(\.notice)
            return await AskRunner(options: options, service: upstream.service, catalogue: upstream.catalogue)
                .run(interrupts: InterruptMonitor())
        }
        if code != .success { throw ExitCode(code.rawValue) }
    }
}
