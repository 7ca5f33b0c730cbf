import Translation

/// Everything the chat needs to start, decided by the command layer (which alone reads the
/// environment and the configuration files).
public struct ChatOptions: Sendable {
    public enum Resume: Sendable, Hashable {
        /// A new conversation.
        case fresh
        /// `--continue`: the most recently saved conversation.
        case mostRecent
        /// `--session NAME`: the conversation saved as NAME, or a new one under that name.
        case named(String)
    }

    /// The model to ask for; `nil` keeps a resumed session's model (else `translation.bigModel`).
    public var model: String?
    public var system: String?
    public var resume: Resume
    /// `$XDG_STATE_HOME/nebius-chat/history`; `nil` keeps no history file.
    public var historyPath: String?
    /// `$XDG_DATA_HOME/nebius-chat/sessions`.
    public var sessionsDirectory: String
    /// Show the model's reasoning (dimmed); `/think` changes it.
    public var showReasoning: Bool
    /// `NO_COLOR` is set: no escape codes even on a terminal.
    public var noColor: Bool
    public var maxTokens: Int?
    public var maxImageBytes: Int
    /// The routing settings, to say which upstream model answers (vision model for images).
    public var translation: TranslationConfig
    /// The home directory, for `~` in `/image` paths.
    public var homeDirectory: String
    /// Lines said once under the banner: configured models replaced because the catalogue
    /// no longer lists them.
    public var notices: [String] = []
    /// MCP tools: the configured servers, or `nil` when there are none.
    public var tools: ToolSetup?

    public init(
        model: String? = nil, system: String? = nil, resume: Resume = .fresh, historyPath: String?,
        sessionsDirectory: String, showReasoning: Bool = true, noColor: Bool = false, maxTokens: Int? = nil,
        maxImageBytes: Int = ImageAttachment.defaultMaxBytes, translation: TranslationConfig, homeDirectory: String
    ) {
        self.model = model
        self.system = system
        self.resume = resume
        self.historyPath = historyPath
        self.sessionsDirectory = sessionsDirectory
        self.showReasoning = showReasoning
        self.noColor = noColor
        self.maxTokens = maxTokens
        self.maxImageBytes = maxImageBytes
        self.translation = translation
        self.homeDirectory = homeDirectory
    }
}
