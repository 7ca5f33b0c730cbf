import OpenAIAPI

// The JSON of a behaviour is one flat object keyed by `type`, so that the admin endpoint, the
// Swift API and the `[[script:NAME key=value]]` directive (whose keys become the object's
// members) all share one decoder:
//
//   {"type":"text","text":"Hello there","chunks":3,"delay":0.05,"usage":"always","done":false}
//   {"type":"reasoning","reasoning":"Let me see.","text":"4","field":"reasoning"}
//   {"type":"think_tags","reasoning":"hmm","text":"Answer"}
//   {"type":"tool_calls","calls":[{"name":"get_weather","arguments":{"city":"Paris"}}],
//    "repeat_headers":true,"omit_ids":false,"interleave":false,"piece_size":4}
//   {"type":"bash","command":"ls -la"}
//   {"type":"image_count"}   {"type":"echo"}   {"type":"huge","bytes":1000000}
//   {"type":"error","status":429,"shape":"openai","message":"slow down","retry_after":1}
//   {"type":"fail_then_succeed","times":2,"status":503,"then":{"type":"text","text":"ok"}}
//   {"type":"stall","seconds":null}
//   {"type":"text","text":"a b c","fault":{"kind":"reset","after":2}}
//   {"type":"overflow","style":"sglang","window":131072,"prompt":139000,"completion":1000}
//   {"type":"overflow","style":"vllm","mid_stream":true,"after":2}
//   {"type":"think_leak","reasoning":"reasoning words","text":"The answer"}
//   {"type":"text","text":"ok","usage":"always","usage_style":"nebius"}
//
// Shorthands accepted on decoding (directive-friendly):
//   "fault":"reset" with sibling "after", "seconds", "message", "error_type", "code";
//   types "reset", "stall_mid", "malformed", "error_frame" = an echo (or `text`) answer with
//   that fault; "flaky" = fail_then_succeed; "think" = think_tags; "tool" = tool_calls;
//   "images" = image_count; for tool_calls, "name", "arguments", "count" instead of "calls"
//   (an empty name takes the request's tool names in turn) and "style": "llamacpp" |
//   "missing_id" | "interleaved" | "standard" instead of the three flags; "context_overflow" =
//   overflow, with "stream_frame" for "mid_stream"; "bare_think" = think_leak.

struct AnyKey: CodingKey, Hashable {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Decoding failures of a behaviour, with a message fit for an HTTP 400.
public struct BehaviorDecodingError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

private typealias Container = KeyedDecodingContainer<AnyKey>

extension Container {
    fileprivate func opt<T: Decodable>(_ type: T.Type, _ key: String) throws -> T? {
        let k = AnyKey(key)
        guard contains(k), try !decodeNil(forKey: k) else { return nil }
        return try decode(T.self, forKey: k)
    }

    fileprivate func has(_ key: String) -> Bool { contains(AnyKey(key)) }

    /// A string written as a string or a number.
    fileprivate func lossyString(_ key: String) throws -> String? {
        try decodeLossyStringIfPresent(forKey: AnyKey(key))
    }
}

extension Behavior: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let type = try c.opt(String.self, "type") ?? "echo"
        switch type {
        case "error", "http_error":
            self = .httpError(try HTTPErrorSpec(from: decoder))
        case "stall":
            self = .stall(seconds: try c.opt(Double.self, "seconds"), then: try c.opt(Behavior.self, "then"))
        case "fail_then_succeed", "flaky":
            self = .failThenSucceed(
                times: try c.opt(Int.self, "times") ?? 1,
                failure: try HTTPErrorSpec(from: decoder),
                then: try c.opt(Behavior.self, "then") ?? .echo)
        case "overflow", "context_overflow":
            self = .overflow(try OverflowSpec(from: decoder))
        case "reset", "stall_mid", "malformed", "error_frame":
            let answer: Answer = try c.has("text") ? .text(c.opt(String.self, "text") ?? "", chunks: c.opt(Int.self, "chunks")) : .echo
            var shape = try Shape(flatFrom: c, decoder: decoder)
            shape.fault = try Fault(kind: type == "stall_mid" ? "stall" : type, flat: c)
            self = .respond(answer, shape)
        default:
            let answer = try Answer(type: type, container: c)
            self = .respond(answer, try Shape(flatFrom: c, decoder: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(typeName, forKey: AnyKey("type"))
        switch self {
        case .respond(let answer, let shape):
            try answer.encodeMembers(to: encoder)
            try shape.encode(to: encoder)
        case .httpError(let spec):
            try spec.encode(to: encoder)
        case .stall(let seconds, let then):
            try c.encode(seconds, forKey: AnyKey("seconds"))
            try c.encodeIfPresent(then, forKey: AnyKey("then"))
        case .failThenSucceed(let times, let failure, let then):
            try c.encode(times, forKey: AnyKey("times"))
            try failure.encode(to: encoder)
            try c.encode(then, forKey: AnyKey("then"))
        case .overflow(let spec):
            try spec.encode(to: encoder)
        }
    }
}

extension Answer {
    fileprivate init(type: String, container c: Container) throws {
        switch type {
        case "echo":
            self = .echo
        case "text":
            self = .text(try c.opt(String.self, "text") ?? "", chunks: try c.opt(Int.self, "chunks"))
        case "reasoning":
            self = .reasoning(
                try c.opt(String.self, "reasoning") ?? "Let me think about this.",
                text: try c.opt(String.self, "text") ?? "Done thinking.",
                field: try c.opt(ReasoningField.self, "field") ?? .reasoningContent,
                chunks: try c.opt(Int.self, "chunks"))
        case "think_tags", "think":
            self = .thinkTags(
                try c.opt(String.self, "reasoning") ?? "Let me think about this.",
                text: try c.opt(String.self, "text") ?? "Done thinking.",
                chunks: try c.opt(Int.self, "chunks"))
        case "think_leak", "bare_think":
            self = .bareThinkClose(
                try c.opt(String.self, "reasoning") ?? "reasoning words",
                text: try c.opt(String.self, "text") ?? "The answer",
                chunks: try c.opt(Int.self, "chunks"))
        case "tool_calls", "tool":
            var calls = try c.opt([ScriptedToolCall].self, "calls") ?? []
            if calls.isEmpty {
                // Shorthand: `name`, `arguments`, `count`; empty names are filled in from the
                // request's tools when the answer is built.
                let name = try c.opt(String.self, "name") ?? ""
                let arguments = try c.decodeArgumentsIfPresent(forKey: AnyKey("arguments")) ?? "{}"
                let count = max(1, try c.opt(Int.self, "count") ?? 1)
                calls = (0..<count).map { _ in ScriptedToolCall(name: name, arguments: arguments) }
            }
            var style = ToolCallStyle()
            switch try c.opt(String.self, "style") {
            case "llamacpp", "llama.cpp", "repeat_headers": style.repeatHeaders = true
            case "missing_id", "omit_ids": style.omitIDs = true
            case "interleaved", "interleave": style.interleave = true
            default: break
            }
            style.repeatHeaders = try c.opt(Bool.self, "repeat_headers") ?? style.repeatHeaders
            style.omitIDs = try c.opt(Bool.self, "omit_ids") ?? style.omitIDs
            style.interleave = try c.opt(Bool.self, "interleave") ?? style.interleave
            style.pieceSize = max(1, try c.opt(Int.self, "piece_size") ?? style.pieceSize)
            self = .toolCalls(calls, style: style, text: try c.opt(String.self, "text"))
        case "bash":
            self = .bash(command: try c.opt(String.self, "command") ?? "echo hello")
        case "image_count", "images":
            self = .imageCount
        case "huge":
            self = .huge(bytes: max(0, try c.opt(Int.self, "bytes") ?? 1_000_000), chunkSize: max(1, try c.opt(Int.self, "chunk_size") ?? 4096))
        case "tool_result_ack":
            self = .toolResultAck
        default:
            throw BehaviorDecodingError(description: "unknown behaviour type \"\(type)\"")
        }
    }

    fileprivate func encodeMembers(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        switch self {
        case .echo, .imageCount, .toolResultAck:
            break
        case .text(let text, let chunks):
            try c.encode(text, forKey: AnyKey("text"))
            try c.encodeIfPresent(chunks, forKey: AnyKey("chunks"))
        case .reasoning(let reasoning, let text, let field, let chunks):
            try c.encode(reasoning, forKey: AnyKey("reasoning"))
            try c.encode(text, forKey: AnyKey("text"))
            try c.encode(field, forKey: AnyKey("field"))
            try c.encodeIfPresent(chunks, forKey: AnyKey("chunks"))
        case .thinkTags(let reasoning, let text, let chunks), .bareThinkClose(let reasoning, let text, let chunks):
            try c.encode(reasoning, forKey: AnyKey("reasoning"))
            try c.encode(text, forKey: AnyKey("text"))
            try c.encodeIfPresent(chunks, forKey: AnyKey("chunks"))
        case .toolCalls(let calls, let style, let text):
            try c.encode(calls, forKey: AnyKey("calls"))
            try style.encode(to: encoder)
            try c.encodeIfPresent(text, forKey: AnyKey("text"))
        case .bash(let command):
            try c.encode(command, forKey: AnyKey("command"))
        case .huge(let bytes, let chunkSize):
            try c.encode(bytes, forKey: AnyKey("bytes"))
            try c.encode(chunkSize, forKey: AnyKey("chunk_size"))
        }
    }
}

extension Shape {
    /// The shape members of a flat behaviour object, with the `"fault":"reset"` shorthand.
    fileprivate init(flatFrom c: Container, decoder: any Decoder) throws {
        guard let kind = try? c.decode(String.self, forKey: AnyKey("fault")) else {
            try self.init(from: decoder)
            return
        }
        self.init(
            delay: try c.opt(Double.self, "delay") ?? 0,
            usage: try c.opt(UsageMode.self, "usage") ?? .auto,
            done: try c.opt(Bool.self, "done") ?? true,
            finishReason: try c.opt(String.self, "finish_reason"),
            fault: try Fault(kind: kind, flat: c),
            usageStyle: try c.opt(UsageStyle.self, "usage_style") ?? .standard,
            cachedTokens: try c.opt(Int.self, "cached_tokens"),
            promptTokenScale: try c.opt(Double.self, "prompt_token_scale"))
    }
}

extension Fault: Codable {
    /// A fault from the members of a flat object: `after`, `seconds`, `message`, `error_type`, `code`.
    fileprivate init(kind: String, flat c: Container) throws {
        let after = max(0, try c.opt(Int.self, "after") ?? 2)
        switch kind {
        case "stall", "stall_mid":
            self = .stall(after: after, seconds: try c.opt(Double.self, "seconds"))
        case "reset":
            self = .reset(after: after)
        case "malformed":
            self = .malformed(after: after)
        case "error_frame", "error":
            self = .errorFrame(
                after: after,
                message: try c.opt(String.self, "message") ?? "Internal error while generating",
                type: try c.opt(String.self, "error_type") ?? "internal_server_error",
                code: try c.opt(Int.self, "code"))
        default:
            throw BehaviorDecodingError(description: "unknown fault kind \"\(kind)\" (stall, reset, malformed, error_frame)")
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        try self.init(kind: try c.opt(String.self, "kind") ?? "reset", flat: c)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        try c.encode(kind, forKey: AnyKey("kind"))
        try c.encode(after, forKey: AnyKey("after"))
        switch self {
        case .stall(_, let seconds):
            try c.encode(seconds, forKey: AnyKey("seconds"))
        case .reset, .malformed:
            break
        case .errorFrame(_, let message, let type, let code):
            try c.encode(message, forKey: AnyKey("message"))
            try c.encode(type, forKey: AnyKey("error_type"))
            try c.encodeIfPresent(code, forKey: AnyKey("code"))
        }
    }
}
