import ArgumentParser
import Foundation
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
              2    usage error: no prompt, an unusable --image or --file, no API key,
                   bad setting
              130  interrupted with Ctrl-C (the partial answer stays printed)

            Examples:
              nebius-chat ask "What is the capital of Australia?"
              git diff | nebius-chat ask "review this"
              nebius-chat ask --image shot.png "what is in this screenshot?"
              nebius-chat ask --file notes.md --file paper.pdf "compare these"
              nebius-chat ask --json "say hi" | jq -r '.content[0].text'
              nebius-chat ask --system "Answer in French" --no-stream hello
              nebius-chat ask --tools --yes "add 2 and 40 with the calculator"
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

    @Option(name: .long, help: ArgumentHelp(
        "Attach a text file or a PDF (at most 1 MiB of text or 32 MiB of PDF); repeat for several.", valueName: "path"),
            completion: .file())
    var file: [String] = []

    @Option(name: .long, help: ArgumentHelp("Upper limit for the answer's tokens (default: the upstream's).", valueName: "n"))
    var maxTokens: Int?

    @Flag(name: .long, help: "Print the answer only when it is complete.")
    var noStream = false

    @Flag(name: .long, help: "Print the final message as Claude-format JSON (id, model, content, stop_reason, usage).")
    var json = false

    @Flag(name: .long, inversion: .prefixedNo, help: "Show the model's reasoning on stderr.")
    var think = false

    @Flag(name: .long, help: "Offer the tools of the MCP servers in mcp.json and ./.mcp.json (calls and results on stderr).")
    var tools = false

    @Flag(name: [.customShort("y"), .long], help: "With --tools: run tool calls without asking (needed when stdin is not a terminal).")
    var yes = false

    func validate() throws {
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1.") }
    }

    func run() async throws {
        guard let prompt = PromptAssembly.prompt(arguments: words, stdin: StandardInput.readAllIfPiped()) else {
            printError("nebius-chat ask: nothing to ask: give a prompt as arguments or on stdin (see --help).")
            throw ExitCode(AskExitCode.usageError.rawValue)
        }
        // MCP tools: a question needs a terminal to answer it on.
        if tools && !yes && isatty(0) != 1 {
            printError("nebius-chat ask: --tools without --yes asks before each tool call, and stdin is not a terminal to answer on; add --yes to run the calls without asking.")
            throw ExitCode(AskExitCode.usageError.rawValue)
        }
        let settings = try loadSettings(flags: [:])
        try requireAPIKey(settings)
        let mcp = tools ? MCPToolsSetup.make(auto: yes) : (setup: nil, warnings: [])
        if tools && mcp.setup == nil {
            printError("nebius-chat ask: --tools: no MCP server is configured ($XDG_CONFIG_HOME/nebius-chat/mcp.json or ./.mcp.json).")
        }
        for warning in mcp.warnings { printError("nebius-chat ask: " + warning) }
        let code = try await TerminalUpstream.with(settings: settings) { upstream in
            let resolution = await upstream.resolution()
            var options = AskOptions(
                prompt: prompt, model: model ?? resolution.config.bigModel, system: system, imagePaths: image,
                maxTokens: maxTokens, stream: !noStream, json: json, showReasoning: think, noColor: TerminalPaths.noColor,
                translation: resolution.config, homeDirectory: TerminalPaths.home)
            options.notices = resolution.replacements.map(\.notice)
            options.tools = mcp.setup  // MCP tools
            options.filePaths = file
            return await AskRunner(options: options, service: upstream.service, catalogue: upstream.catalogue)
                .run(interrupts: InterruptMonitor())
        }
        await mcp.setup?.toolbox.shutdown()
        if code != .success { throw ExitCode(code.rawValue) }
    }
}
