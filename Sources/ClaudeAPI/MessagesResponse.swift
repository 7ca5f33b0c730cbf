/// A complete assistant message: the non-streaming answer, and the fold of a stream.
public struct MessagesResponse: Sendable, Hashable, Codable {
    public var id: String
    public var type: String = "message"
    public var role: String = "assistant"
    public var model: String
    public var content: [ContentBlock]
    public var stopReason: StopReason?
    public var stopSequence: String?
    public var usage: Usage

    public init(
        id: String, model: String, content: [ContentBlock], stopReason: StopReason? = nil,
        stopSequence: String? = nil, usage: Usage = Usage()
    ) {
        self.id = id
        self.model = model
        self.content = content
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case id, type, role, model, content, usage
        case stopReason = "stop_reason"
        case stopSequence = "stop_sequence"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(role, forKey: .role)
        try container.encode(model, forKey: .model)
        try container.encode(content, forKey: .content)
        // Clients expect both keys present, `null` when unknown.
        try container.encode(stopReason, forKey: .stopReason)
        try container.encode(stopSequence, forKey: .stopSequence)
        try container.encode(usage, forKey: .usage)
    }
}

public enum StopReason: String, Sendable, Hashable, Codable {
    case endTurn = "end_turn"
    case maxTokens = "max_tokens"
    case stopSequence = "stop_sequence"
    case toolUse = "tool_use"
    case pauseTurn = "pause_turn"
    case refusal
}

public struct Usage: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public var outputTokens: Int
    public var cacheCreationInputTokens: Int
    public var cacheReadInputTokens: Int
    /// The server tools serve ran for this answer (web search and fetch); `nil` when none was offered.
    public var serverToolUse: ServerToolUsage?

    public init(
        inputTokens: Int = 0, outputTokens: Int = 0, cacheCreationInputTokens: Int = 0, cacheReadInputTokens: Int = 0,
        serverToolUse: ServerToolUsage? = nil
    ) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cacheCreationInputTokens = cacheCreationInputTokens
        self.cacheReadInputTokens = cacheReadInputTokens
        self.serverToolUse = serverToolUse
    }

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case cacheCreationInputTokens = "cache_creation_input_tokens"
        case cacheReadInputTokens = "cache_read_input_tokens"
        case serverToolUse = "server_tool_use"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = try c.decodeIfPresent(Int.self, forKey: .inputTokens) ?? 0
        outputTokens = try c.decodeIfPresent(Int.self, forKey: .outputTokens) ?? 0
        cacheCreationInputTokens = try c.decodeIfPresent(Int.self, forKey: .cacheCreationInputTokens) ?? 0
        cacheReadInputTokens = try c.decodeIfPresent(Int.self, forKey: .cacheReadInputTokens) ?? 0
        serverToolUse = try c.decodeIfPresent(ServerToolUsage.self, forKey: .serverToolUse)
    }
}

/// `usage.server_tool_use`: how many searches and fetches an answer ran.
public struct ServerToolUsage: Sendable, Hashable, Codable {
    public var webSearchRequests: Int
    public var webFetchRequests: Int

    public init(webSearchRequests: Int = 0, webFetchRequests: Int = 0) {
        self.webSearchRequests = webSearchRequests
        self.webFetchRequests = webFetchRequests
    }

    enum CodingKeys: String, CodingKey {
        case webSearchRequests = "web_search_requests"
        case webFetchRequests = "web_fetch_requests"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        webSearchRequests = try c.decodeIfPresent(Int.self, forKey: .webSearchRequests) ?? 0
        webFetchRequests = try c.decodeIfPresent(Int.self, forKey: .webFetchRequests) ?? 0
    }
}

/// The answer of `POST /v1/messages/count_tokens`.
public struct TokenCount: Sendable, Hashable, Codable {
    public var inputTokens: Int
    public init(inputTokens: Int) { self.inputTokens = inputTokens }
    enum CodingKeys: String, CodingKey { case inputTokens = "input_tokens" }
}
