import ClaudeAPI
import Foundation

/// One search hit, as the result blocks carry it.
public struct ServerSearchResult: Sendable, Hashable {
    public var url: String
    public var title: String
    public var pageAge: String?
    /// What the model reads; goes to the client only inside `encrypted_content`.
    public var snippet: String

    public init(url: String, title: String, pageAge: String? = nil, snippet: String) {
        self.url = url
        self.title = title
        self.pageAge = pageAge
        self.snippet = snippet
    }
}

/// Anthropic's server-tool blocks, built as the Messages API sends them (pure):
/// `server_tool_use`, `web_search_tool_result` (`web_search_result` items or a
/// `web_search_tool_result_error`), `web_fetch_tool_result` (`web_fetch_result` with a text
/// `document`, or a `web_fetch_tool_result_error`), and the text the model reads for each.
///
/// `encrypted_content` is opaque to clients, as Anthropic's is: here it holds the hit's
/// extract (base64 behind a `nc1.` tag), so a later turn that sends the block back gives the
/// model the same text again.
public enum ServerToolBlocks {
    /// `srvtoolu_` and 24 hex digits.
    public static func newID<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let high = UInt64.random(in: .min ... .max, using: &generator)
        let low = UInt32.random(in: .min ... .max, using: &generator)
        return "srvtoolu_" + hex(high, 16) + hex(UInt64(low), 8)
    }

    static func hex(_ value: UInt64, _ digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// `server_tool_use`, with its input (the start event carries `{}`; the input follows as
    /// one `input_json_delta`).
    public static func serverToolUse(id: String, kind: ServerToolKind, input: JSONValue) -> ContentBlock {
        .unknown(type: "server_tool_use", raw: ["type": "server_tool_use", "id": .string(id), "name": .string(kind.rawValue), "input": input])
    }

    public static func searchResults(toolUseID: String, results: [ServerSearchResult]) -> ContentBlock {
        let items: [JSONValue] = results.map { r in
            var item: [String: JSONValue] = [
                "type": "web_search_result", "url": .string(r.url), "title": .string(r.title),
                "encrypted_content": .string(encode(r.snippet)),
            ]
            item["page_age"] = r.pageAge.map(JSONValue.string) ?? .null
            return .object(item)
        }
        return .unknown(
            type: "web_search_tool_result",
            raw: ["type": "web_search_tool_result", "tool_use_id": .string(toolUseID), "content": .array(items)])
    }

    public static func searchError(toolUseID: String, code: String) -> ContentBlock {
        .unknown(
            type: "web_search_tool_result",
            raw: [
                "type": "web_search_tool_result", "tool_use_id": .string(toolUseID),
                "content": ["type": "web_search_tool_result_error", "error_code": .string(code)],
            ])
    }

    public static func fetchResult(toolUseID: String, url: String, title: String?, text: String, retrievedAt: String) -> ContentBlock {
        var document: [String: JSONValue] = [
            "type": "document", "source": ["type": "text", "media_type": "text/plain", "data": .string(text)],
        ]
        if let title { document["title"] = .string(title) }
        return .unknown(
            type: "web_fetch_tool_result",
            raw: [
                "type": "web_fetch_tool_result", "tool_use_id": .string(toolUseID),
                "content": [
                    "type": "web_fetch_result", "url": .string(url), "retrieved_at": .string(retrievedAt),
                    "content": .object(document),
                ],
            ])
    }

    public static func fetchError(toolUseID: String, code: String) -> ContentBlock {
        .unknown(
            type: "web_fetch_tool_result",
            raw: [
                "type": "web_fetch_tool_result", "tool_use_id": .string(toolUseID),
                "content": ["type": "web_fetch_tool_result_error", "error_code": .string(code)],
            ])
    }

    // MARK: What the model reads

    /// The search results as the model reads them.
    public static func modelText(query: String?, results: [ServerSearchResult]) -> String {
        let quoted = query.map { " for \"\($0)\"" } ?? ""
        if results.isEmpty { return "No web search results\(quoted)." }
        var lines = ["Web search results\(quoted):"]
        for (n, r) in results.enumerated() {
            lines.append("")
            lines.append("[\(n + 1)] \(r.title)")
            lines.append("URL: \(r.url)")
            if let age = r.pageAge { lines.append("Published: \(age)") }
            if !r.snippet.isEmpty { lines.append(r.snippet) }
        }
        lines.append("")
        lines.append("Cite the URLs of the results you use.")
        return lines.joined(separator: "\n")
    }

    /// A fetched page as the model reads it.
    public static func modelText(url: String, title: String?, text: String) -> String {
        var head = "Contents of \(url)"
        if let title { head += " (\(title))" }
        return head + ":\n\n" + text
    }

    /// An error as the model reads it: the code and what happened.
    public static func modelText(errorCode: String, message: String) -> String {
        "Error \(errorCode): \(message)"
    }

    /// The text of a result block sent back in the history, and whether it is an error.
    public static func modelText(ofResult raw: JSONValue) -> (String, Bool) {
        let content = raw["content"]
        if let code = content?["error_code"]?.serverString {
            return (modelText(errorCode: code, message: "the tool failed"), true)
        }
        if case .array(let items)? = content {
            let results = items.compactMap { item -> ServerSearchResult? in
                guard let url = item["url"]?.serverString else { return nil }
                return ServerSearchResult(
                    url: url, title: item["title"]?.serverString ?? url, pageAge: item["page_age"]?.serverString,
                    snippet: decode(item["encrypted_content"]?.serverString ?? ""))
            }
            return (modelText(query: nil, results: results), false)
        }
        if let fetched = content, fetched["type"]?.serverString == "web_fetch_result" {
            let url = fetched["url"]?.serverString ?? "the page"
            let document = fetched["content"]
            let text = document?["source"]?["data"]?.serverString ?? ""
            let isPDF = document?["source"]?["type"]?.serverString == "base64"
            return (modelText(url: url, title: document?["title"]?.serverString, text: isPDF ? "(a PDF document)" : text), false)
        }
        return ("The tool returned nothing readable.", true)
    }

    static let tag = "nc1."

    /// The extract, opaque to clients.
    public static func encode(_ snippet: String) -> String {
        tag + Data(snippet.utf8).base64EncodedString()
    }

    /// The extract back; "" for content this proxy did not write (Anthropic's own).
    public static func decode(_ content: String) -> String {
        guard content.hasPrefix(tag), let data = Data(base64Encoded: String(content.dropFirst(tag.count))) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}
