import ClaudeAPI
import Foundation

/// The two server tools serve runs itself for open models.
public enum ServerToolKind: String, Sendable, Hashable, CaseIterable {
    case webSearch = "web_search"
    case webFetch = "web_fetch"

    /// The kind a tool definition's `type` names (`web_search_20250305`, `web_fetch_20250910`,
    /// later dates too), or `nil` for any other tool.
    public init?(toolType: String?) {
        guard let toolType else { return nil }
        if toolType.hasPrefix("web_search_") { self = .webSearch }
        else if toolType.hasPrefix("web_fetch_") { self = .webFetch }
        else { return nil }
    }

    /// The parameter the model fills in.
    public var parameter: String { self == .webSearch ? "query" : "url" }

    /// The function tool offered upstream in the server tool's place.
    public var clientTool: Tool {
        switch self {
        case .webSearch:
            return Tool(
                name: rawValue,
                description: "Search the web. Returns the titles, URLs and extracts of the best matching pages. Use it for current events and facts you are not sure of; cite the URLs you use.",
                inputSchema: [
                    "type": "object",
                    "properties": ["query": ["type": "string", "description": "The search query"]],
                    "required": ["query"],
                ])
        case .webFetch:
            return Tool(
                name: rawValue,
                description: "Fetch a web page or PDF by URL and return its text.",
                inputSchema: [
                    "type": "object",
                    "properties": ["url": ["type": "string", "description": "The absolute http(s) URL to fetch"]],
                    "required": ["url"],
                ])
        }
    }
}

/// One server tool as the request defines it.
public struct ServerToolSpec: Sendable, Hashable {
    public var kind: ServerToolKind
    /// `max_uses`; 5 when not given.
    public var maxUses: Int
    public var allowedDomains: [String]
    public var blockedDomains: [String]
    /// `max_content_tokens` (web fetch).
    public var maxContentTokens: Int?

    public static let defaultMaxUses = 5

    public init(kind: ServerToolKind, maxUses: Int = ServerToolSpec.defaultMaxUses, allowedDomains: [String] = [], blockedDomains: [String] = [], maxContentTokens: Int? = nil) {
        self.kind = kind
        self.maxUses = maxUses
        self.allowedDomains = allowedDomains
        self.blockedDomains = blockedDomains
        self.maxContentTokens = maxContentTokens
    }

    init(kind: ServerToolKind, options: [String: JSONValue]) {
        func strings(_ key: String) -> [String] {
            options[key]?.arrayValue?.compactMap { if case .string(let s) = $0 { s } else { nil } } ?? []
        }
        func int(_ key: String) -> Int? {
            switch options[key] {
            case .int(let i)?: return i
            case .double(let d)? where d.isFinite && d >= 0 && d < 1e9: return Int(d)
            default: return nil
            }
        }
        self.init(
            kind: kind, maxUses: max(0, int("max_uses") ?? Self.defaultMaxUses), allowedDomains: strings("allowed_domains"),
            blockedDomains: strings("blocked_domains"), maxContentTokens: int("max_content_tokens"))
    }
}

/// The server tools of a request, and the pure rewriting that lets an open model use them:
/// server tools become function tools, and the server-tool blocks of earlier turns become tool
/// calls and tool results the model can read.
///
/// ```swift
/// let tools = ServerToolSet(request)
/// let upstream = tools.upstreamRequest(request, offering: [.webSearch])
/// ```
public struct ServerToolSet: Sendable, Hashable {
    public var specs: [ServerToolKind: ServerToolSpec]

    public init(_ request: MessagesRequest) {
        var specs: [ServerToolKind: ServerToolSpec] = [:]
        for tool in request.tools ?? [] {
            guard let kind = ServerToolKind(toolType: tool.type), specs[kind] == nil else { continue }
            specs[kind] = ServerToolSpec(kind: kind, options: tool.serverOptions ?? [:])
        }
        self.specs = specs
    }

    public var isEmpty: Bool { specs.isEmpty }

    public subscript(kind: ServerToolKind) -> ServerToolSpec? { specs[kind] }

    /// The request to translate for the upstream: the server tools replaced by the function
    /// tools of `offering` (the others are left out), and every server-tool block in the
    /// history turned into a `tool_use` and a `tool_result` (``ServerToolHistory``).
    /// `resultTexts` gives, by tool-use id, the text the model reads for results of this very
    /// request (with the whole error message, which the blocks do not carry).
    public func upstreamRequest(
        _ request: MessagesRequest, offering: Set<ServerToolKind>, resultTexts: [String: String] = [:]
    ) -> MessagesRequest {
        var copy = request
        var tools: [Tool] = []
        for tool in request.tools ?? [] {
            if let kind = ServerToolKind(toolType: tool.type) {
                if offering.contains(kind), !tools.contains(where: { $0.name == kind.rawValue }) { tools.append(kind.clientTool) }
            } else {
                tools.append(tool)
            }
        }
        copy.tools = tools
        if let choice = request.toolChoice, choice.type == "tool", let name = choice.name,
           let kind = ServerToolKind(rawValue: name), !offering.contains(kind) {
            copy.toolChoice = ToolChoice(type: "auto", disableParallelToolUse: choice.disableParallelToolUse)
        }
        copy.messages = ServerToolHistory.rewrite(request.messages, resultTexts: resultTexts)
        return copy
    }
}

/// Server-tool blocks in a conversation, as an open model can read them.
public enum ServerToolHistory {
    /// Splits every assistant message at its server-tool results: `server_tool_use` becomes a
    /// `tool_use`, each `web_search_tool_result` / `web_fetch_tool_result` a user message with a
    /// `tool_result` holding the text the model reads, and the rest of the assistant message
    /// follows as another assistant message.
    public static func rewrite(_ messages: [Message], resultTexts: [String: String] = [:]) -> [Message] {
        guard messages.contains(where: { $0.content.contains(where: isServerBlock) }) else { return messages }
        var out: [Message] = []
        for message in messages {
            guard message.content.contains(where: isServerBlock) else {
                out.append(message)
                continue
            }
            var current: [ContentBlock] = []
            var results: [ContentBlock] = []
            func flush() {
                if !current.isEmpty { out.append(Message(role: message.role, content: current)) }
                if !results.isEmpty { out.append(Message(role: .user, content: results)) }
                current = []
                results = []
            }
            for block in message.content {
                guard case .unknown(let type, let raw) = block else {
                    if !results.isEmpty { flush() }
                    current.append(block)
                    continue
                }
                switch type {
                case "server_tool_use":
                    if !results.isEmpty { flush() }
                    guard let id = raw["id"]?.serverString, let name = raw["name"]?.serverString else { continue }
                    current.append(.toolUse(ToolUseBlock(id: id, name: name, input: raw["input"] ?? .object([:]))))
                case "web_search_tool_result", "web_fetch_tool_result":
                    guard let id = raw["tool_use_id"]?.serverString else { continue }
                    var (text, isError) = ServerToolBlocks.modelText(ofResult: raw)
                    if let known = resultTexts[id] { text = known }
                    results.append(.toolResult(ToolResultBlock(toolUseID: id, content: [.text(TextBlock(text: text))], isError: isError)))
                default:
                    if !results.isEmpty { flush() }
                    current.append(block)
                }
            }
            flush()
        }
        return out
    }

    static func isServerBlock(_ block: ContentBlock) -> Bool {
        guard case .unknown(let type, _) = block else { return false }
        return type == "server_tool_use" || type == "web_search_tool_result" || type == "web_fetch_tool_result"
    }
}

extension JSONValue {
    var serverString: String? { if case .string(let s) = self { s } else { nil } }
}
