import Translation

/// The one-shot question, as the command line and stdin gave it.
public struct AskOptions: Sendable {
    public var prompt: String
    public var model: String
    public var system: String?
    public var imagePaths: [String]
    /// Text files and PDFs (`--file`), sent as document blocks before the images.
    public var filePaths: [String] = []
    public var maxTokens: Int?
    /// Print the answer as it arrives (`false`: when complete).
    public var stream: Bool
    /// Print the final Claude-format message as JSON instead of its text.
    public var json: Bool
    /// Show the model's reasoning on stderr.
    public var showReasoning: Bool
    public var noColor: Bool
    public var maxImageBytes: Int
    public var translation: TranslationConfig
    public var homeDirectory: String
    /// Lines said once on stderr before the answer: configured models replaced because the
    /// catalogue no longer lists them.
    public var notices: [String] = []
    /// MCP tools (`--tools`): the servers, or `nil` for none.
    public var tools: ToolSetup?

    public init(
        prompt: String, model: String, system: String? = nil, imagePaths: [String] = [], maxTokens: Int? = nil,
        stream: Bool = true, json: Bool = false, showReasoning: Bool = false, noColor: Bool = false,
        maxImageBytes: Int = ImageAttachment.defaultMaxBytes, translation: TranslationConfig, homeDirectory: String
    ) {
        self.prompt = prompt
        self.model = model
        self.system = system
        self.imagePaths = imagePaths
        self.maxTokens = maxTokens
        self.stream = stream
        self.json = json
        self.showReasoning = showReasoning
        self.noColor = noColor
        self.maxImageBytes = maxImageBytes
        self.translation = translation
        self.homeDirectory = homeDirectory
    }
}

/// The exit status of `ask`, as its `--help` documents.
public enum AskExitCode: Int32, Sendable {
    case success = 0
    /// The upstream refused or failed (bad key, unknown model, rate limit, broken stream).
    case upstreamError = 1
    /// The command was used wrongly: no prompt, a bad image or file, no key.
    case usageError = 2
    /// Ctrl-C (128 + SIGINT).
    case interrupted = 130
}
