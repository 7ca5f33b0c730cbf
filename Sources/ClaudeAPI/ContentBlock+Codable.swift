extension ContentBlock: Codable {
    enum CodingKeys: String, CodingKey {
        case type, text, source, title, id, name, input, content, thinking, signature, data
        case toolUseID = "tool_use_id"
        case isError = "is_error"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text":
            self = .text(TextBlock(text: try container.decode(String.self, forKey: .text)))
        case "image":
            self = .image(ImageBlock(source: try container.decode(ImageSource.self, forKey: .source)))
        case "document":
            self = .document(
                DocumentBlock(
                    source: try container.decode(DocumentSource.self, forKey: .source),
                    title: try container.decodeIfPresent(String.self, forKey: .title)
                )
            )
        case "tool_use":
            self = .toolUse(
                ToolUseBlock(
                    id: try container.decode(String.self, forKey: .id),
                    name: try container.decode(String.self, forKey: .name),
                    input: try container.decodeIfPresent(JSONValue.self, forKey: .input) ?? .object([:])
                )
            )
        case "tool_result":
            var content: [ContentBlock] = []
            if container.contains(.content), try !container.decodeNil(forKey: .content) {
                content = try container.decodeBlocksOrString(forKey: .content)
            }
            self = .toolResult(
                ToolResultBlock(
                    toolUseID: try container.decode(String.self, forKey: .toolUseID),
                    content: content,
                    isError: try container.decodeIfPresent(Bool.self, forKey: .isError) ?? false
                )
            )
        case "thinking":
            self = .thinking(
                ThinkingBlock(
                    thinking: try container.decode(String.self, forKey: .thinking),
                    signature: try container.decodeIfPresent(String.self, forKey: .signature) ?? ""
                )
            )
        case "redacted_thinking":
            self = .redactedThinking(data: try container.decodeIfPresent(String.self, forKey: .data) ?? "")
        default:
            self = .unknown(type: type, raw: try JSONValue(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if case .unknown(_, let raw) = self {
            try raw.encode(to: encoder)
            return
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .text(let block):
            try container.encode(block.text, forKey: .text)
        case .image(let block):
            try container.encode(block.source, forKey: .source)
        case .document(let block):
            try container.encode(block.source, forKey: .source)
            try container.encodeIfPresent(block.title, forKey: .title)
        case .toolUse(let block):
            try container.encode(block.id, forKey: .id)
            try container.encode(block.name, forKey: .name)
            try container.encode(block.input, forKey: .input)
        case .toolResult(let block):
            try container.encode(block.toolUseID, forKey: .toolUseID)
            try container.encode(block.content, forKey: .content)
            if block.isError { try container.encode(true, forKey: .isError) }
        case .thinking(let block):
            try container.encode(block.thinking, forKey: .thinking)
            try container.encode(block.signature, forKey: .signature)
        case .redactedThinking(let data):
            try container.encode(data, forKey: .data)
        case .unknown:
            break
        }
    }
}

extension ImageSource: Codable {
    enum CodingKeys: String, CodingKey {
        case type, data, url
        case mediaType = "media_type"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "base64":
            self = .base64(
                mediaType: try container.decode(String.self, forKey: .mediaType),
                data: try container.decode(String.self, forKey: .data)
            )
        case "url":
            self = .url(try container.decode(String.self, forKey: .url))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "image source type must be \"base64\" or \"url\", not \"\(type)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .base64(let mediaType, let data):
            try container.encode("base64", forKey: .type)
            try container.encode(mediaType, forKey: .mediaType)
            try container.encode(data, forKey: .data)
        case .url(let url):
            try container.encode("url", forKey: .type)
            try container.encode(url, forKey: .url)
        }
    }
}

extension DocumentSource: Codable {
    enum CodingKeys: String, CodingKey {
        case type, data, url, content
        case mediaType = "media_type"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "base64":
            self = .base64(
                mediaType: try container.decodeIfPresent(String.self, forKey: .mediaType) ?? "application/pdf",
                data: try container.decode(String.self, forKey: .data)
            )
        case "text":
            self = .text(try container.decode(String.self, forKey: .data))
        case "content":
            self = .content(try container.decodeBlocksOrString(forKey: .content))
        case "url":
            self = .url(try container.decode(String.self, forKey: .url))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "document source type must be base64, text, content or url, not \"\(type)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .base64(let mediaType, let data):
            try container.encode("base64", forKey: .type)
            try container.encode(mediaType, forKey: .mediaType)
            try container.encode(data, forKey: .data)
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode("text/plain", forKey: .mediaType)
            try container.encode(text, forKey: .data)
        case .content(let blocks):
            try container.encode("content", forKey: .type)
            try container.encode(blocks, forKey: .content)
        case .url(let url):
            try container.encode("url", forKey: .type)
            try container.encode(url, forKey: .url)
        }
    }
}
