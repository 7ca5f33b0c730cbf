/// A content block of a message. Unknown block types decode to ``unknown`` with their raw JSON,
/// never to a decoding failure.
public enum ContentBlock: Sendable, Hashable {
    case text(TextBlock)
    case image(ImageBlock)
    case document(DocumentBlock)
    case toolUse(ToolUseBlock)
    case toolResult(ToolResultBlock)
    case thinking(ThinkingBlock)
    case redactedThinking(data: String)
    /// Any other block (`server_tool_use`, `web_search_tool_result`, future types), kept as sent.
    case unknown(type: String, raw: JSONValue)

    /// The wire name of the block type.
    public var type: String {
        switch self {
        case .text: return "text"
        case .image: return "image"
        case .document: return "document"
        case .toolUse: return "tool_use"
        case .toolResult: return "tool_result"
        case .thinking: return "thinking"
        case .redactedThinking: return "redacted_thinking"
        case .unknown(let type, _): return type
        }
    }
}

public struct TextBlock: Sendable, Hashable, Codable {
    public var text: String
    public init(text: String) { self.text = text }
}

public struct ImageBlock: Sendable, Hashable, Codable {
    public var source: ImageSource
    public init(source: ImageSource) { self.source = source }
}

/// Where an image comes from: inline base64 data or a URL.
public enum ImageSource: Sendable, Hashable {
    case base64(mediaType: String, data: String)
    case url(String)
}

public struct DocumentBlock: Sendable, Hashable {
    public var source: DocumentSource
    public var title: String?
    public init(source: DocumentSource, title: String? = nil) {
        self.source = source
        self.title = title
    }
}

/// A document: base64 data (PDF), plain text, a list of content blocks, or a URL.
public enum DocumentSource: Sendable, Hashable {
    case base64(mediaType: String, data: String)
    case text(String)
    case content([ContentBlock])
    case url(String)
}

public struct ToolUseBlock: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var input: JSONValue
    public init(id: String, name: String, input: JSONValue) {
        self.id = id
        self.name = name
        self.input = input
    }
}

public struct ToolResultBlock: Sendable, Hashable {
    public var toolUseID: String
    /// A string result decodes to one text block.
    public var content: [ContentBlock]
    public var isError: Bool
    public init(toolUseID: String, content: [ContentBlock], isError: Bool = false) {
        self.toolUseID = toolUseID
        self.content = content
        self.isError = isError
    }
}

public struct ThinkingBlock: Sendable, Hashable, Codable {
    public var thinking: String
    public var signature: String
    public init(thinking: String, signature: String = "") {
        self.thinking = thinking
        self.signature = signature
    }
}
