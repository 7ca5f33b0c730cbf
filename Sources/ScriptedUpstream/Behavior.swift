import OpenAIAPI

/// What the scripted upstream does with one `POST /v1/chat/completions`.
///
/// A behaviour is chosen per request: first from the queue (``ScriptedUpstream/enqueue(_:)`` or
/// `POST /_scripted/enqueue`), else from a `[[script:NAME key=value ...]]` directive in the last
/// user message, else ``echo``. The same value travels as JSON through the admin endpoint
/// (see `Behavior+Codable.swift` for the flat JSON shape):
///
/// ```swift
/// upstream.enqueue(.respond(.text("Hello there", chunks: 3), Shape(delay: 0.01)))
/// upstream.enqueue(.httpError(HTTPErrorSpec(status: 429, retryAfter: 1)))
/// upstream.enqueue(.respond(.echo, Shape(fault: .reset(after: 2))))
/// ```
public indirect enum Behavior: Sendable, Hashable {
    /// A 200 answer, streamed or not as the request asks.
    case respond(Answer, Shape = Shape())
    /// An error status with one of the upstream error body shapes.
    case httpError(HTTPErrorSpec)
    /// Nothing at all (no status line) for `seconds`, or until the client goes away when `nil`;
    /// then `then` (default: an echo answer).
    case stall(seconds: Double?, then: Behavior? = nil)
    /// `failure` for the first `times` requests, then `then`. Enqueued, it expands into
    /// `times` errors followed by `then`; as a directive, it counts per directive text.
    case failThenSucceed(times: Int, failure: HTTPErrorSpec, then: Behavior = .echo)
    /// A context-window overflow in one upstream's words: an HTTP error, or an error frame in
    /// the middle of a 200 stream.
    case overflow(OverflowSpec)

    /// The default: a short streamed text answer that echoes the last user message.
    public static let echo = Behavior.respond(.echo)

    /// The JSON `type` of this behaviour (`text`, `error`, `stall`, ...), for records and logs.
    public var typeName: String {
        switch self {
        case .respond(let answer, _): return answer.typeName
        case .httpError: return "error"
        case .stall: return "stall"
        case .failThenSucceed: return "fail_then_succeed"
        case .overflow: return "overflow"
        }
    }
}

/// The content of a successful answer.
public enum Answer: Sendable, Hashable {
    /// "You said: ..." with the first words of the last user message, one chunk per word.
    case echo
    /// `text` split into `chunks` pieces (one piece per word when `nil`).
    case text(String, chunks: Int? = nil)
    /// Reasoning deltas (under `field`), then text deltas.
    case reasoning(String, text: String, field: ReasoningField = .reasoningContent, chunks: Int? = nil)
    /// `<think>reasoning</think>text` inside `content`, split into `chunks` pieces anywhere
    /// (tags may be cut in two, as real servers do).
    case thinkTags(String, text: String, chunks: Int? = nil)
    /// `reasoning</think>text` inside `content`, with no opening tag (GLM at low effort), split
    /// into `chunks` pieces anywhere.
    case bareThinkClose(String, text: String, chunks: Int? = nil)
    /// Tool calls, optionally after some text, with the quirks chosen in `style`.
    case toolCalls([ScriptedToolCall], style: ToolCallStyle = ToolCallStyle(), text: String? = nil)
    /// One call `{"command": command}` to the request's tool named `Bash` (case-insensitive;
    /// `Bash` when the request has no such tool).
    case bash(command: String)
    /// "I received N image(s)." where N counts the `image_url` parts of all messages.
    case imageCount
    /// A text answer of exactly `bytes` ASCII bytes, in pieces of `chunkSize` bytes.
    case huge(bytes: Int, chunkSize: Int = 4096)
    /// "The tool returned: ..." quoting the last tool result. The default (instead of an echo)
    /// when the current turn carries a tool result, so a `[[script:bash ...]]` tool loop ends.
    case toolResultAck

    public var typeName: String {
        switch self {
        case .echo: return "echo"
        case .text: return "text"
        case .reasoning: return "reasoning"
        case .thinkTags: return "think_tags"
        case .bareThinkClose: return "think_leak"
        case .toolCalls: return "tool_calls"
        case .bash: return "bash"
        case .imageCount: return "image_count"
        case .huge: return "huge"
        case .toolResultAck: return "tool_result_ack"
        }
    }
}

/// Where reasoning text goes in a delta.
public enum ReasoningField: String, Sendable, Hashable, Codable {
    case reasoningContent = "reasoning_content"
    case reasoning
}

/// One scripted tool call. `id == nil` generates `call_<n>` (unless the style omits ids).
public struct ScriptedToolCall: Sendable, Hashable, Codable {
    public var id: String?
    public var name: String
    /// The arguments as JSON text.
    public var arguments: String

    public init(id: String? = nil, name: String, arguments: String = "{}") {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    enum CodingKeys: String, CodingKey { case id, name, arguments }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        arguments = try c.decodeArgumentsIfPresent(forKey: .arguments) ?? "{}"
    }
}

extension KeyedDecodingContainer {
    /// Arguments given as JSON text, or as any JSON value (encoded compactly).
    func decodeArgumentsIfPresent(forKey key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let text = try? decode(String.self, forKey: key) { return text }
        return try decode(JSONValue.self, forKey: key).compactText
    }
}

/// How tool call fragments are framed (PROTOCOL section 4.6).
public struct ToolCallStyle: Sendable, Hashable, Codable {
    /// Every fragment repeats `id`, `type` and `function.name`, as llama.cpp does.
    public var repeatHeaders: Bool
    /// No fragment carries an `id`.
    public var omitIDs: Bool
    /// Fragments of parallel calls alternate (call 0, call 1, call 0, ...).
    public var interleave: Bool
    /// Characters of `arguments` per fragment.
    public var pieceSize: Int

    public init(repeatHeaders: Bool = false, omitIDs: Bool = false, interleave: Bool = false, pieceSize: Int = 8) {
        self.repeatHeaders = repeatHeaders
        self.omitIDs = omitIDs
        self.interleave = interleave
        self.pieceSize = max(1, pieceSize)
    }

    /// llama.cpp: id and name repeated in every fragment.
    public static let llamaCpp = ToolCallStyle(repeatHeaders: true)

    enum CodingKeys: String, CodingKey {
        case repeatHeaders = "repeat_headers"
        case omitIDs = "omit_ids"
        case interleave
        case pieceSize = "piece_size"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            repeatHeaders: try c.decodeIfPresent(Bool.self, forKey: .repeatHeaders) ?? false,
            omitIDs: try c.decodeIfPresent(Bool.self, forKey: .omitIDs) ?? false,
            interleave: try c.decodeIfPresent(Bool.self, forKey: .interleave) ?? false,
            pieceSize: try c.decodeIfPresent(Int.self, forKey: .pieceSize) ?? 8)
    }
}

/// How a successful answer is framed and paced, and what goes wrong on the way.
public struct Shape: Sendable, Hashable, Codable {
    /// Seconds between two stream frames.
    public var delay: Double
    /// Whether a usage chunk follows the finish chunk (and `usage` is in a non-streamed body).
    public var usage: UsageMode
    /// Whether the stream ends with `data: [DONE]`.
    public var done: Bool
    /// Overrides `finish_reason` (`stop`, or `tool_calls` for tool answers).
    public var finishReason: String?
    /// A failure injected after some frames.
    public var fault: Fault?
    /// How the usage object is written.
    public var usageStyle: UsageStyle
    /// `usage.prompt_tokens_details.cached_tokens`, when set (the `standard` style only).
    public var cachedTokens: Int?
    /// Multiplies the reported `prompt_tokens` (a tokenizer that counts differently).
    public var promptTokenScale: Double?

    public init(
        delay: Double = 0, usage: UsageMode = .auto, done: Bool = true, finishReason: String? = nil, fault: Fault? = nil,
        usageStyle: UsageStyle = .standard, cachedTokens: Int? = nil, promptTokenScale: Double? = nil
    ) {
        self.delay = delay
        self.usage = usage
        self.done = done
        self.finishReason = finishReason
        self.fault = fault
        self.usageStyle = usageStyle
        self.cachedTokens = cachedTokens
        self.promptTokenScale = promptTokenScale
    }

    enum CodingKeys: String, CodingKey {
        case delay, usage, done, fault
        case finishReason = "finish_reason"
        case usageStyle = "usage_style"
        case cachedTokens = "cached_tokens"
        case promptTokenScale = "prompt_token_scale"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        delay = try c.decodeIfPresent(Double.self, forKey: .delay) ?? 0
        usage = try c.decodeIfPresent(UsageMode.self, forKey: .usage) ?? .auto
        done = try c.decodeIfPresent(Bool.self, forKey: .done) ?? true
        finishReason = try c.decodeIfPresent(String.self, forKey: .finishReason)
        fault = try c.decodeIfPresent(Fault.self, forKey: .fault)
        usageStyle = try c.decodeIfPresent(UsageStyle.self, forKey: .usageStyle) ?? .standard
        cachedTokens = try c.decodeIfPresent(Int.self, forKey: .cachedTokens)
        promptTokenScale = try c.decodeIfPresent(Double.self, forKey: .promptTokenScale)
    }
}

/// How the usage object of an answer is written.
public enum UsageStyle: String, Sendable, Hashable, Codable {
    /// `{"prompt_tokens","completion_tokens","total_tokens"}` (and `prompt_tokens_details`
    /// when ``Shape/cachedTokens`` is set).
    case standard
    /// As Nebius has been seen to write it: `prompt_tokens_details: null`,
    /// `completion_tokens_details: null` and a top-level `reasoning_tokens`.
    case nebius
}

/// When the usage chunk is sent.
public enum UsageMode: String, Sendable, Hashable, Codable {
    /// When the request asked with `stream_options.include_usage` (always in a non-streamed body).
    case auto
    case always
    case never
}

/// A failure in the middle of an answer, after `after` frames (the role chunk counts as one).
public enum Fault: Sendable, Hashable {
    /// No byte for `seconds` (until the client goes away when `nil`), then the rest.
    case stall(after: Int, seconds: Double?)
    /// The TCP connection is reset (RST) without ending the chunked body.
    case reset(after: Int)
    /// One `data:` frame whose JSON does not parse, then the rest.
    case malformed(after: Int)
    /// `data: {"error":{...}}`, then the body ends (no `[DONE]`).
    case errorFrame(after: Int, message: String = "Internal error while generating", type: String = "internal_server_error", code: Int? = 500)

    public var after: Int {
        switch self {
        case .stall(let after, _), .reset(let after), .malformed(let after), .errorFrame(let after, _, _, _): return after
        }
    }

    public var kind: String {
        switch self {
        case .stall: return "stall"
        case .reset: return "reset"
        case .malformed: return "malformed"
        case .errorFrame: return "error_frame"
        }
    }
}

/// An HTTP error answer.
public struct HTTPErrorSpec: Sendable, Hashable, Codable {
    public var status: Int
    public var shape: ErrorShape
    /// `nil`: a default message for the status.
    public var message: String?
    /// `error.type` of the `openai` and `object` shapes; `nil`: a default for the status.
    public var errorType: String?
    /// `error.code` of the `openai` shape.
    public var code: String?
    /// The `Retry-After` header, verbatim (`"2"` or an HTTP date).
    public var retryAfter: String?

    public init(status: Int, shape: ErrorShape = .openAI, message: String? = nil, errorType: String? = nil, code: String? = nil, retryAfter: String? = nil) {
        self.status = status
        self.shape = shape
        self.message = message
        self.errorType = errorType
        self.code = code
        self.retryAfter = retryAfter
    }

    public init(status: Int, shape: ErrorShape = .openAI, message: String? = nil, retryAfter seconds: Int) {
        self.init(status: status, shape: shape, message: message, retryAfter: String(seconds))
    }

    enum CodingKeys: String, CodingKey {
        case status, shape, message, code
        case errorType = "error_type"
        case retryAfter = "retry_after"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decodeIfPresent(Int.self, forKey: .status) ?? 500
        shape = try c.decodeIfPresent(ErrorShape.self, forKey: .shape) ?? .openAI
        message = try c.decodeIfPresent(String.self, forKey: .message)
        errorType = try c.decodeIfPresent(String.self, forKey: .errorType)
        code = try c.decodeLossyStringIfPresent(forKey: .code)
        retryAfter = try c.decodeLossyStringIfPresent(forKey: .retryAfter)
    }
}

/// The body shapes upstream errors come in.
public enum ErrorShape: String, Sendable, Hashable, Codable {
    /// `{"error":{"message":M,"type":T,"code":C}}` (OpenAI, llama.cpp, Nebius).
    case openAI = "openai"
    /// `{"object":"error","message":M,"type":T,"param":null,"code":status}` (vLLM).
    case object
    /// `{"detail":[{"type":...,"loc":[...],"msg":M,"input":null}]}` (FastAPI validation).
    case detail
    /// `{"detail":M}` (FastAPI `HTTPException`).
    case detailString = "detail_string"
    /// `M` as `text/plain` (a gateway in front of the upstream).
    case text
}

extension KeyedDecodingContainer {
    /// A string that may have been written as a number (`"retry_after": 2`).
    func decodeLossyStringIfPresent(forKey key: Key) throws -> String? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let s = try? decode(String.self, forKey: key) { return s }
        if let i = try? decode(Int.self, forKey: key) { return String(i) }
        let d = try decode(Double.self, forKey: key)
        return String(d)
    }
}

// MARK: - Convenience constructors

extension Behavior {
    /// A streamed text answer.
    public static func text(_ text: String, chunks: Int? = nil, _ shape: Shape = Shape()) -> Behavior {
        .respond(.text(text, chunks: chunks), shape)
    }

    /// An error status with the given body shape.
    public static func error(_ status: Int, shape: ErrorShape = .openAI, message: String? = nil, retryAfter: String? = nil) -> Behavior {
        .httpError(HTTPErrorSpec(status: status, shape: shape, message: message, retryAfter: retryAfter))
    }

    /// Tool calls with the given style.
    public static func toolCalls(_ calls: [ScriptedToolCall], style: ToolCallStyle = ToolCallStyle(), _ shape: Shape = Shape()) -> Behavior {
        .respond(.toolCalls(calls, style: style), shape)
    }
}
