/// One `data:` frame of a streamed chat completion. Every field is optional: servers differ.
///
/// A frame may also be an error (`{"error":{...}}`), which some servers send mid-stream.
public struct ChatChunk: Sendable, Hashable, Codable {
    public var id: String?
    public var model: String?
    public var choices: [Choice]
    public var usage: ChatUsage?
    public var error: JSONValue?

    public init(choices: [Choice] = [], usage: ChatUsage? = nil, error: JSONValue? = nil) {
        self.choices = choices
        self.usage = usage
        self.error = error
    }

    enum CodingKeys: String, CodingKey { case id, model, choices, usage, error }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        choices = try c.decodeIfPresent([Choice].self, forKey: .choices) ?? []
        usage = try c.decodeIfPresent(ChatUsage.self, forKey: .usage)
        error = try c.decodeIfPresent(JSONValue.self, forKey: .error)
    }

    public struct Choice: Sendable, Hashable, Codable {
        public var index: Int?
        public var delta: Delta
        public var finishReason: String?
        /// The stop string that ended the answer, when the server says (vLLM's `stop_reason`).
        public var matchedStop: String?

        public init(index: Int? = 0, delta: Delta, finishReason: String? = nil, matchedStop: String? = nil) {
            self.index = index
            self.delta = delta
            self.finishReason = finishReason
            self.matchedStop = matchedStop
        }

        enum CodingKeys: String, CodingKey {
            case index, delta, message
            case finishReason = "finish_reason"
            case matchedStop = "stop_reason"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            index = try c.decodeIfPresent(Int.self, forKey: .index)
            // A non-streaming answer carries `message` where a chunk carries `delta`.
            delta =
                try c.decodeIfPresent(Delta.self, forKey: .delta)
                ?? c.decodeIfPresent(Delta.self, forKey: .message) ?? Delta()
            finishReason = try c.decodeIfPresent(String.self, forKey: .finishReason)
            // vLLM puts the matched stop string here, or a token id (a number) we have no use for.
            matchedStop = try? c.decodeIfPresent(String.self, forKey: .matchedStop)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(index, forKey: .index)
            try c.encode(delta, forKey: .delta)
            try c.encode(finishReason, forKey: .finishReason)
            try c.encodeIfPresent(matchedStop, forKey: .matchedStop)
        }
    }

    public struct Delta: Sendable, Hashable, Codable {
        public var role: String?
        public var content: String?
        /// Reasoning text: `reasoning_content` (DeepSeek, vLLM) or `reasoning` (others).
        public var reasoningContent: String?
        public var reasoning: String?
        public var toolCalls: [ToolCallDelta]?

        public init(
            role: String? = nil, content: String? = nil, reasoningContent: String? = nil, reasoning: String? = nil,
            toolCalls: [ToolCallDelta]? = nil
        ) {
            self.role = role
            self.content = content
            self.reasoningContent = reasoningContent
            self.reasoning = reasoning
            self.toolCalls = toolCalls
        }

        enum CodingKeys: String, CodingKey {
            case role, content, reasoning
            case reasoningContent = "reasoning_content"
            case toolCalls = "tool_calls"
        }

        /// The reasoning text under either field name.
        public var reasoningText: String? { reasoningContent ?? reasoning }
    }

    public struct ToolCallDelta: Sendable, Hashable, Codable {
        public var index: Int?
        public var id: String?
        public var type: String?
        public var function: FunctionDelta?

        public init(index: Int? = nil, id: String? = nil, name: String? = nil, arguments: String? = nil) {
            self.index = index
            self.id = id
            if name != nil || arguments != nil {
                self.function = FunctionDelta(name: name, arguments: arguments)
                self.type = "function"
            }
        }
    }

    public struct FunctionDelta: Sendable, Hashable, Codable {
        public var name: String?
        public var arguments: String?
        public init(name: String? = nil, arguments: String? = nil) {
            self.name = name
            self.arguments = arguments
        }
    }
}

/// Token usage; `prompt_tokens_details.cached_tokens` is the prefix-cache hit.
///
/// Servers add members of their own: Nebius sends `prompt_tokens_details: null`,
/// `completion_tokens_details: null` and a top-level `reasoning_tokens`. Details that are `null`
/// or unreadable count as no cache hit; the rest is ignored (`completion_tokens` already counts
/// the reasoning).
public struct ChatUsage: Sendable, Hashable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var cachedTokens: Int

    public init(promptTokens: Int, completionTokens: Int, cachedTokens: Int = 0) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedTokens = cachedTokens
    }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
        case details = "prompt_tokens_details"
    }

    struct Details: Codable { var cachedTokens: Int?
        enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try c.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        completionTokens = try c.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
        cachedTokens = (try? c.decodeIfPresent(Details.self, forKey: .details))??.cachedTokens ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(promptTokens, forKey: .promptTokens)
        try c.encode(completionTokens, forKey: .completionTokens)
        try c.encode(promptTokens + completionTokens, forKey: .totalTokens)
        if cachedTokens > 0 { try c.encode(Details(cachedTokens: cachedTokens), forKey: .details) }
    }
}

/// A non-streaming answer has the same shape as a chunk whose choices carry `message`.
public typealias ChatResponse = ChatChunk
