import Foundation

// The fast path for decoding request bodies: ``JSONValue/parse(_:)`` plus hand-written field
// extraction that mirrors the `Decodable` implementations field by field. Anything the fast
// path does not accept (malformed JSON, a wrong type, trailing commas that Foundation tolerates)
// goes through `JSONDecoder`, so results and `DecodingError`s are exactly Foundation's; only the
// common case is faster (about 10x on Claude Code's 50-80 KB requests).

extension MessagesRequest {
    /// Decodes a request body. Throws the `DecodingError` that `JSONDecoder` gives (see
    /// ``describe(_:)``) when the body is malformed.
    ///
    /// ```swift
    /// let request = try MessagesRequest.decode(json: body)
    /// ```
    @inlinable
    public static func decode<Bytes: Collection>(json bytes: Bytes) throws -> MessagesRequest where Bytes.Element == UInt8 {
        let fast = bytes.withContiguousStorageIfAvailable { fastDecode($0) } ?? Array(bytes).withUnsafeBufferPointer { fastDecode($0) }
        if let fast { return fast }
        return try JSONDecoder().decode(MessagesRequest.self, from: Data(bytes))
    }

    /// The fast path alone: `nil` when it cannot decode `buffer` (then `JSONDecoder` decides).
    public static func fastDecode(_ buffer: UnsafeBufferPointer<UInt8>) -> MessagesRequest? {
        guard let value = JSONValue.parse(buffer: buffer) else { return nil }
        return try? MessagesRequest(json: value)
    }

    /// The request in a parsed body, with the same rules as `init(from:)`.
    public init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        self.init(
            model: try o.required("model") { v throws(JSONFieldMismatch) in try v.asString() },
            messages: try o.required("messages") { v throws(JSONFieldMismatch) in try v.asArray().map { m throws(JSONFieldMismatch) in try Message(json: m) } },
            system: try o.optional("system") { v throws(JSONFieldMismatch) in try SystemPrompt(json: v) },
            maxTokens: try o.optional("max_tokens") { v throws(JSONFieldMismatch) in try v.asInt() },
            stream: try o.optional("stream") { v throws(JSONFieldMismatch) in try v.asBool() },
            tools: try o.optional("tools") { v throws(JSONFieldMismatch) in try v.asArray().map { t throws(JSONFieldMismatch) in try Tool(json: t) } },
            toolChoice: try o.optional("tool_choice") { v throws(JSONFieldMismatch) in try ToolChoice(json: v) },
            temperature: try o.optional("temperature") { v throws(JSONFieldMismatch) in try v.asDouble() },
            topP: try o.optional("top_p") { v throws(JSONFieldMismatch) in try v.asDouble() },
            topK: try o.optional("top_k") { v throws(JSONFieldMismatch) in try v.asInt() },
            stopSequences: try o.optional("stop_sequences") { v throws(JSONFieldMismatch) in try v.asArray().map { s throws(JSONFieldMismatch) in try s.asString() } },
            metadata: try o.optional("metadata") { v throws(JSONFieldMismatch) in
                Metadata(userID: try v.asObject().optional("user_id") { u throws(JSONFieldMismatch) in try u.asString() })
            },
            thinking: try o.optional("thinking") { v throws(JSONFieldMismatch) in
                let t = try v.asObject()
                return ThinkingConfig(
                    type: try t.required("type") { x throws(JSONFieldMismatch) in try x.asString() },
                    budgetTokens: try t.optional("budget_tokens") { x throws(JSONFieldMismatch) in try x.asInt() })
            },
            outputConfig: try o.optional("output_config") { v throws(JSONFieldMismatch) in try OutputConfig(json: v) },
            outputFormat: try o.optional("output_format") { v throws(JSONFieldMismatch) in try OutputFormat(json: v) }
        )
    }
}

extension OutputConfig {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        self.init(
            effort: try o.optional("effort") { v throws(JSONFieldMismatch) in try v.asString() },
            format: try o.optional("format") { v throws(JSONFieldMismatch) in try OutputFormat(json: v) })
    }
}

extension OutputFormat {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        self.init(
            type: try o.required("type") { v throws(JSONFieldMismatch) in try v.asString() },
            schema: try o.optional("schema") { v in v })
    }
}

extension SystemPrompt {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        if case .string(let s) = json {
            self = .text(s)
        } else {
            self = .blocks(try json.asArray().map { b throws(JSONFieldMismatch) in try TextBlock(json: b) })
        }
    }
}

extension TextBlock {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        self.init(text: try json.asObject().required("text") { v throws(JSONFieldMismatch) in try v.asString() })
    }
}

extension Message {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        let roleName = try o.required("role") { v throws(JSONFieldMismatch) in try v.asString() }
        guard let role = Role(rawValue: roleName) else { throw JSONFieldMismatch() }
        self.init(role: role, content: try o.blocksOrString("content"))
    }
}

extension Tool {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        let type = try o.optional("type") { v throws(JSONFieldMismatch) in try v.asString() }
        self.init(
            name: try o.required("name") { v throws(JSONFieldMismatch) in try v.asString() },
            description: try o.optional("description") { v throws(JSONFieldMismatch) in try v.asString() },
            inputSchema: try o.optional("input_schema") { v in v },
            type: type,
            serverOptions: Tool.serverOptions(of: o, type: type))
    }
}

extension ToolChoice {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        self.init(
            type: try o.required("type") { v throws(JSONFieldMismatch) in try v.asString() },
            name: try o.optional("name") { v throws(JSONFieldMismatch) in try v.asString() },
            disableParallelToolUse: try o.optional("disable_parallel_tool_use") { v throws(JSONFieldMismatch) in try v.asBool() })
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Content that may be a plain string (one text block) or a list of blocks (required).
    func blocksOrString(_ key: String) throws(JSONFieldMismatch) -> [ContentBlock] {
        guard let value = self[key] else { throw JSONFieldMismatch() }
        if case .string(let s) = value { return [.text(TextBlock(text: s))] }
        return try value.asArray().map { b throws(JSONFieldMismatch) in try ContentBlock(json: b) }
    }
}

extension ContentBlock {
    /// A content block, with the same rules as `init(from:)`.
    public init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        let type = try o.required("type") { v throws(JSONFieldMismatch) in try v.asString() }
        func string(_ key: String) throws(JSONFieldMismatch) -> String {
            try o.required(key) { v throws(JSONFieldMismatch) in try v.asString() }
        }
        func optionalString(_ key: String) throws(JSONFieldMismatch) -> String? {
            try o.optional(key) { v throws(JSONFieldMismatch) in try v.asString() }
        }
        switch type {
        case "text":
            self = .text(TextBlock(text: try string("text")))
        case "image":
            self = .image(ImageBlock(source: try o.required("source") { v throws(JSONFieldMismatch) in try ImageSource(json: v) }))
        case "document":
            self = .document(DocumentBlock(
                source: try o.required("source") { v throws(JSONFieldMismatch) in try DocumentSource(json: v) },
                title: try optionalString("title")))
        case "tool_use":
            self = .toolUse(ToolUseBlock(id: try string("id"), name: try string("name"), input: try o.optional("input") { v in v } ?? .object([:])))
        case "tool_result":
            var content: [ContentBlock] = []
            if let value = o["content"], value != .null { content = try o.blocksOrString("content") }
            self = .toolResult(ToolResultBlock(
                toolUseID: try string("tool_use_id"), content: content,
                isError: try o.optional("is_error") { v throws(JSONFieldMismatch) in try v.asBool() } ?? false))
        case "thinking":
            self = .thinking(ThinkingBlock(thinking: try string("thinking"), signature: try optionalString("signature") ?? ""))
        case "redacted_thinking":
            self = .redactedThinking(data: try optionalString("data") ?? "")
        default:
            self = .unknown(type: type, raw: json)
        }
    }
}

extension ImageSource {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        switch try o.required("type", { v throws(JSONFieldMismatch) in try v.asString() }) {
        case "base64":
            self = .base64(
                mediaType: try o.required("media_type") { v throws(JSONFieldMismatch) in try v.asString() },
                data: try o.required("data") { v throws(JSONFieldMismatch) in try v.asString() })
        case "url":
            self = .url(try o.required("url") { v throws(JSONFieldMismatch) in try v.asString() })
        default:
            throw JSONFieldMismatch()
        }
    }
}

extension DocumentSource {
    init(json: JSONValue) throws(JSONFieldMismatch) {
        let o = try json.asObject()
        switch try o.required("type", { v throws(JSONFieldMismatch) in try v.asString() }) {
        case "base64":
            self = .base64(
                mediaType: try o.optional("media_type") { v throws(JSONFieldMismatch) in try v.asString() } ?? "application/pdf",
                data: try o.required("data") { v throws(JSONFieldMismatch) in try v.asString() })
        case "text":
            self = .text(try o.required("data") { v throws(JSONFieldMismatch) in try v.asString() })
        case "content":
            self = .content(try o.blocksOrString("content"))
        case "url":
            self = .url(try o.required("url") { v throws(JSONFieldMismatch) in try v.asString() })
        default:
            throw JSONFieldMismatch()
        }
    }
}
