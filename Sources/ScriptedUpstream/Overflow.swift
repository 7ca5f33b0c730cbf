/// The upstreams whose context-overflow refusals the scripted upstream can imitate, each with
/// its own status, body shape and wording.
public enum OverflowStyle: String, Sendable, Hashable, Codable, CaseIterable {
    /// 400 `{"object":"error","message":"This model's maximum context length is W tokens.
    /// However, you requested T tokens (P in the messages, C in the completion). Please reduce
    /// the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}`.
    case vllm
    /// Nebius Token Factory: vLLM's body and words.
    case nebius
    /// 400, vLLM's body shape, `Requested token count exceeds the model's maximum context length
    /// of W tokens. You requested a total of T tokens: P tokens from the input messages and C
    /// tokens for the completion. ...`.
    case sglang
    /// 400 `{"error":{"message":<vLLM's words>,"type":"invalid_request_error","param":"messages",
    /// "code":"context_length_exceeded"}}`, as recorded from llama.cpp's OpenAI server.
    case llamacpp
    /// 400 `{"error":{"code":400,"message":"request (P tokens) exceeds the available context size
    /// (W tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":P,
    /// "n_ctx":W}}`, llama-server's own.
    case llamacppServer = "llamacpp_server"
    /// 422 `{"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= W.
    /// Given: P `inputs` tokens and C `max_new_tokens`","error_type":"validation"}` (TGI).
    case tgi
    /// 400 `{"detail":<vLLM's words>}`, a FastAPI gateway passing the message on.
    case detail

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        let normalized = raw.lowercased().replacing("-", with: "_").replacing(".", with: "")
        guard let style = OverflowStyle(rawValue: normalized) ?? (normalized == "llama_cpp" ? .llamacpp : nil) else {
            throw BehaviorDecodingError(
                description: "unknown overflow style \"\(raw)\" (\(OverflowStyle.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = style
    }

    /// The HTTP status of the refusal.
    public var status: Int { self == .tgi ? 422 : 400 }

    /// The `type` of an error frame carrying the refusal mid-stream.
    var frameType: String {
        switch self {
        case .vllm, .nebius, .sglang, .detail: "BadRequestError"
        case .llamacpp: "invalid_request_error"
        case .llamacppServer: "exceed_context_size_error"
        case .tgi: "validation"
        }
    }

    /// The refusal's message for these numbers.
    public func message(_ n: OverflowNumbers) -> String {
        switch self {
        case .vllm, .nebius, .llamacpp, .detail:
            return "This model's maximum context length is \(n.window) tokens. However, you requested \(n.total) tokens "
                + "(\(n.prompt) in the messages, \(n.completion) in the completion). "
                + "Please reduce the length of the messages or completion."
        case .sglang:
            return "Requested token count exceeds the model's maximum context length of \(n.window) tokens. "
                + "You requested a total of \(n.total) tokens: \(n.prompt) tokens from the input messages and "
                + "\(n.completion) tokens for the completion. Please reduce the number of tokens in the input "
                + "messages or the completion to fit within the limit."
        case .llamacppServer:
            return "request (\(n.prompt) tokens) exceeds the available context size (\(n.window) tokens), try increasing it"
        case .tgi:
            return "Input validation error: `inputs` tokens + `max_new_tokens` must be <= \(n.window). "
                + "Given: \(n.prompt) `inputs` tokens and \(n.completion) `max_new_tokens`"
        }
    }

    /// The whole error body for these numbers.
    public func body(_ n: OverflowNumbers) -> String {
        let message = jsonString(message(n))
        switch self {
        case .vllm, .nebius, .sglang:
            return #"{"object":"error","message":\#(message),"type":"BadRequestError","param":null,"code":400}"#
        case .llamacpp:
            return #"{"error":{"message":\#(message),"type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#
        case .llamacppServer:
            return #"{"error":{"code":400,"message":\#(message),"type":"exceed_context_size_error","n_prompt_tokens":\#(n.prompt),"n_ctx":\#(n.window)}}"#
        case .tgi:
            return #"{"error":\#(message),"error_type":"validation"}"#
        case .detail:
            return #"{"detail":\#(message)}"#
        }
    }
}

/// The counts an overflow refusal names.
public struct OverflowNumbers: Sendable, Hashable {
    /// The model's window.
    public var window: Int
    /// The prompt's tokens.
    public var prompt: Int
    /// `max_tokens` as the upstream counted it.
    public var completion: Int
    public var total: Int { prompt + completion }

    public init(window: Int, prompt: Int, completion: Int) {
        self.window = window
        self.prompt = prompt
        self.completion = completion
    }
}

/// An overflow answer: `{"type":"overflow","style":"sglang","window":131072,"prompt":139000,
/// "completion":1000}`, or as a directive `[[script:overflow style=vllm]]`.
///
/// A count left out comes from the request: the window from the model's catalogue entry
/// (131072 when it has none), the completion from `max_tokens` (1000 when it is
/// not set), the prompt from the request's text (characters / 4) raised so that
/// prompt plus completion is over the window.
///
/// With `mid_stream` the answer starts as a 200 (`text`, or an echo) and, after `after`
/// frames, a `data: {"error":{...}}` frame carries the refusal and the body ends.
public struct OverflowSpec: Sendable, Hashable, Codable {
    public var style: OverflowStyle
    public var window: Int?
    public var prompt: Int?
    public var completion: Int?
    public var midStream: Bool
    /// Frames before the error frame (the role chunk counts as one).
    public var after: Int
    /// The text streamed before the error frame; `nil`: an echo.
    public var text: String?

    public init(
        style: OverflowStyle = .vllm, window: Int? = nil, prompt: Int? = nil, completion: Int? = nil,
        midStream: Bool = false, after: Int = 1, text: String? = nil
    ) {
        self.style = style
        self.window = window
        self.prompt = prompt
        self.completion = completion
        self.midStream = midStream
        self.after = max(0, after)
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case style, window, prompt, completion, after, text
        case midStream = "mid_stream"
    }

    /// Also reads `stream_frame` for `mid_stream`, `max`/`context` for `window`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        func int(_ keys: String...) throws -> Int? {
            for key in keys {
                let k = AnyKey(key)
                if c.contains(k), try !c.decodeNil(forKey: k) { return try c.decode(Int.self, forKey: k) }
            }
            return nil
        }
        func bool(_ keys: String...) throws -> Bool? {
            for key in keys {
                let k = AnyKey(key)
                if c.contains(k), try !c.decodeNil(forKey: k) { return try c.decode(Bool.self, forKey: k) }
            }
            return nil
        }
        let styleKey = AnyKey("style")
        let style = c.contains(styleKey) ? try c.decode(OverflowStyle.self, forKey: styleKey) : .vllm
        let textKey = AnyKey("text")
        self.init(
            style: style,
            window: try int("window", "max", "context"),
            prompt: try int("prompt", "prompt_tokens"),
            completion: try int("completion", "completion_tokens"),
            midStream: try bool("mid_stream", "stream_frame", "midstream") ?? false,
            after: try int("after") ?? 1,
            text: c.contains(textKey) ? try c.decodeIfPresent(String.self, forKey: textKey) : nil)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(style, forKey: .style)
        try c.encodeIfPresent(window, forKey: .window)
        try c.encodeIfPresent(prompt, forKey: .prompt)
        try c.encodeIfPresent(completion, forKey: .completion)
        try c.encode(midStream, forKey: .midStream)
        try c.encode(after, forKey: .after)
        try c.encodeIfPresent(text, forKey: .text)
    }

    /// The counts for a request with `estimatedPrompt` tokens and `maxTokens`, for a model
    /// whose window is `catalogueWindow`.
    public func numbers(estimatedPrompt: Int, maxTokens: Int?, catalogueWindow: Int?) -> OverflowNumbers {
        let window = self.window ?? catalogueWindow ?? 131_072
        let completion = self.completion ?? maxTokens ?? 1000
        let prompt = self.prompt ?? max(estimatedPrompt, window - completion + 1, 1)
        return OverflowNumbers(window: window, prompt: prompt, completion: completion)
    }
}
