/// The body of `POST /chat/completions`. `nil` fields are left out of the JSON.
public struct ChatRequest: Sendable, Hashable, Codable {
    public var model: String
    public var messages: [ChatMessage]
    public var maxTokens: Int?
    public var temperature: Double?
    public var topP: Double?
    public var topK: Int?
    public var stop: [String]?
    public var stream: Bool?
    public var streamOptions: StreamOptions?
    public var tools: [ChatTool]?
    public var toolChoice: JSONValue?
    public var parallelToolCalls: Bool?
    public var user: String?
    public var reasoningEffort: String?
    /// Structured output: the answer's text must match a JSON schema.
    public var responseFormat: ResponseFormat?

    public init(model: String, messages: [ChatMessage]) {
        self.model = model
        self.messages = messages
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, stop, stream, tools, user
        case maxTokens = "max_tokens"
        case topP = "top_p"
        case topK = "top_k"
        case streamOptions = "stream_options"
        case toolChoice = "tool_choice"
        case parallelToolCalls = "parallel_tool_calls"
        case reasoningEffort = "reasoning_effort"
        case responseFormat = "response_format"
    }
}

/// `response_format`: `{"type":"json_schema","json_schema":{"name","schema","strict"}}`.
public struct ResponseFormat: Sendable, Hashable, Codable {
    public var type: String
    public var jsonSchema: JSONSchema?

    public init(type: String, jsonSchema: JSONSchema? = nil) {
        self.type = type
        self.jsonSchema = jsonSchema
    }

    /// `{"type":"json_schema","json_schema":{...}}`.
    public static func jsonSchema(name: String, schema: JSONValue, strict: Bool? = true) -> ResponseFormat {
        ResponseFormat(type: "json_schema", jsonSchema: JSONSchema(name: name, schema: schema, strict: strict))
    }

    enum CodingKeys: String, CodingKey {
        case type
        case jsonSchema = "json_schema"
    }

    /// A named schema; `name` must match `[A-Za-z0-9_-]{1,64}`.
    public struct JSONSchema: Sendable, Hashable, Codable {
        public var name: String
        public var schema: JSONValue
        public var strict: Bool?

        public init(name: String, schema: JSONValue, strict: Bool? = true) {
            self.name = name
            self.schema = schema
            self.strict = strict
        }
    }
}

public struct StreamOptions: Sendable, Hashable, Codable {
    public var includeUsage: Bool
    public init(includeUsage: Bool) { self.includeUsage = includeUsage }
    enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
}

/// One chat message. `content` is a plain string or a list of parts.
public struct ChatMessage: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        case system, user, assistant, tool
    }

    public var role: Role
    public var content: ChatContent?
    public var toolCalls: [ToolCall]?
    public var toolCallID: String?
    public var reasoningContent: String?

    public init(
        role: Role, content: ChatContent?, toolCalls: [ToolCall]? = nil, toolCallID: String? = nil,
        reasoningContent: String? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.reasoningContent = reasoningContent
    }

    enum CodingKeys: String, CodingKey {
        case role, content
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
        case reasoningContent = "reasoning_content"
    }
}

public enum ChatContent: Sendable, Hashable, Codable {
    case text(String)
    case parts([ContentPart])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let s = try? container.decode(String.self) {
            self = .text(s)
        } else {
            self = .parts(try container.decode([ContentPart].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let s): try container.encode(s)
        case .parts(let p): try container.encode(p)
        }
    }
}

/// `{"type":"text","text":...}` or `{"type":"image_url","image_url":{"url":...}}`.
public enum ContentPart: Sendable, Hashable, Codable {
    case text(String)
    case imageURL(String)

    enum CodingKeys: String, CodingKey {
        case type, text
        case imageURL = "image_url"
    }

    struct ImageURL: Codable { var url: String }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "image_url": self = .imageURL(try c.decode(ImageURL.self, forKey: .imageURL).url)
        default: self = .text(try c.decodeIfPresent(String.self, forKey: .text) ?? "")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let s):
            try c.encode("text", forKey: .type)
            try c.encode(s, forKey: .text)
        case .imageURL(let url):
            try c.encode("image_url", forKey: .type)
            try c.encode(ImageURL(url: url), forKey: .imageURL)
        }
    }
}

public struct ToolCall: Sendable, Hashable, Codable {
    public var id: String
    public var type: String = "function"
    public var function: FunctionCall

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.function = FunctionCall(name: name, arguments: arguments)
    }
}

public struct FunctionCall: Sendable, Hashable, Codable {
    public var name: String
    /// The arguments as JSON text.
    public var arguments: String
    public init(name: String, arguments: String) {
        self.name = name
        self.arguments = arguments
    }
}

public struct ChatTool: Sendable, Hashable, Codable {
    public var type: String = "function"
    public var function: FunctionDefinition
    public init(function: FunctionDefinition) { self.function = function }
}

public struct FunctionDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var parameters: JSONValue
    public init(name: String, description: String?, parameters: JSONValue) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}
