/// An entry of `GET /v1/models` in the Anthropic list shape.
public struct ModelInfo: Sendable, Hashable, Codable {
    public var type: String = "model"
    public var id: String
    public var displayName: String
    /// RFC 3339 date-time.
    public var createdAt: String
    /// The model's context window, when known.
    public var maxInputTokens: Int?
    /// The longest answer the server lets a request ask for, when known.
    public var maxTokens: Int?

    public init(id: String, displayName: String, createdAt: String, maxInputTokens: Int? = nil, maxTokens: Int? = nil) {
        self.id = id
        self.displayName = displayName
        self.createdAt = createdAt
        self.maxInputTokens = maxInputTokens
        self.maxTokens = maxTokens
    }

    enum CodingKeys: String, CodingKey {
        case type, id
        case displayName = "display_name"
        case createdAt = "created_at"
        case maxInputTokens = "max_input_tokens"
        case maxTokens = "max_tokens"
    }
}

/// `{"data":[...],"has_more":false,"first_id":...,"last_id":...}`.
public struct ModelList: Sendable, Hashable, Codable {
    public var data: [ModelInfo]
    public var hasMore: Bool = false
    public var firstID: String?
    public var lastID: String?

    public init(data: [ModelInfo]) {
        self.data = data
        self.firstID = data.first?.id
        self.lastID = data.last?.id
    }

    enum CodingKeys: String, CodingKey {
        case data
        case hasMore = "has_more"
        case firstID = "first_id"
        case lastID = "last_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(data, forKey: .data)
        try c.encode(hasMore, forKey: .hasMore)
        try c.encode(firstID, forKey: .firstID)
        try c.encode(lastID, forKey: .lastID)
    }
}
