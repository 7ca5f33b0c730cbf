/// The body of `POST /v1/messages` (and, without `max_tokens`, of `count_tokens`).
///
/// Unknown top-level fields (`context_management`, `safeguards`, ...) are ignored on decoding.
public struct MessagesRequest: Sendable, Hashable, Codable {
    public var model: String
    public var messages: [Message]
    public var system: SystemPrompt?
    public var maxTokens: Int?
    public var stream: Bool?
    public var tools: [Tool]?
    public var toolChoice: ToolChoice?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var stopSequences: [String]?
    public var metadata: Metadata?
    public var thinking: ThinkingConfig?
    public var outputConfig: OutputConfig?
    /// The deprecated top-level spelling of `output_config.format`.
    public var outputFormat: OutputFormat?

    public init(
        model: String,
        messages: [Message],
        system: SystemPrompt? = nil,
        maxTokens: Int? = nil,
        stream: Bool? = nil,
        tools: [Tool]? = nil,
        toolChoice: ToolChoice? = nil,
        temperature: Double? = nil,
        topP: Double? = nil,
        topK: Int? = nil,
        stopSequences: [String]? = nil,
        metadata: Metadata? = nil,
        thinking: ThinkingConfig? = nil,
        outputConfig: OutputConfig? = nil,
        outputFormat: OutputFormat? = nil
    ) {
        self.model = model
        self.messages = messages
        self.system = system
        self.maxTokens = maxTokens
        self.stream = stream
        self.tools = tools
        self.toolChoice = toolChoice
        self.temperature = temperature
        self.topP = topP
        self.topK = topK
        self.stopSequences = stopSequences
        self.metadata = metadata
        self.thinking = thinking
        self.outputConfig = outputConfig
        self.outputFormat = outputFormat
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, system, stream, tools, temperature, metadata, thinking
        case maxTokens = "max_tokens"
        case toolChoice = "tool_choice"
        case topP = "top_p"
        case topK = "top_k"
        case stopSequences = "stop_sequences"
        case outputConfig = "output_config"
        case outputFormat = "output_format"
    }
}

/// `system`: a plain string or a list of text blocks.
public enum SystemPrompt: Sendable, Hashable, Codable {
    case text(String)
    case blocks([TextBlock])

    /// The text blocks in order (a plain string is one block).
    public var textBlocks: [String] {
        switch self {
        case .text(let s): return [s]
        case .blocks(let blocks): return blocks.map(\.text)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let s = try? container.decode(String.self) {
            self = .text(s)
        } else {
            self = .blocks(try container.decode([TextBlock].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let s): try container.encode(s)
        case .blocks(let b): try container.encode(b)
        }
    }
}

public struct Metadata: Sendable, Hashable, Codable {
    public var userID: String?
    public init(userID: String? = nil) { self.userID = userID }
    enum CodingKeys: String, CodingKey { case userID = "user_id" }
}

/// `thinking`: `{"type":"enabled","budget_tokens":N}`, `{"type":"adaptive"}` or `{"type":"disabled"}`.
public struct ThinkingConfig: Sendable, Hashable, Codable {
    public var type: String
    public var budgetTokens: Int?
    public init(type: String, budgetTokens: Int? = nil) {
        self.type = type
        self.budgetTokens = budgetTokens
    }
    enum CodingKeys: String, CodingKey {
        case type
        case budgetTokens = "budget_tokens"
    }
    /// Whether the client asked for reasoning (`enabled` or `adaptive`).
    public var isOn: Bool { type == "enabled" || type == "adaptive" }
}
