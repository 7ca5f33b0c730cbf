#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What to send a search backend for one query. Pure: built and tested without I/O.
public struct SearchRequest: Sendable, Hashable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }
    public var method: Method
    public var url: String
    /// Header names and values; the key header is here, so never log them.
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public static func == (a: SearchRequest, b: SearchRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body
            && a.headers.map { $0.0 + ":" + $0.1 } == b.headers.map { $0.0 + ":" + $0.1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method.rawValue)
        hasher.combine(url)
        hasher.combine(body)
    }
}

/// One search as the model asked for it, with the tool's domain rules.
public struct SearchQuery: Sendable, Hashable {
    public var query: String
    public var allowedDomains: [String]
    public var blockedDomains: [String]
    public var maxResults: Int

    public init(query: String, allowedDomains: [String] = [], blockedDomains: [String] = [], maxResults: Int = 10) {
        self.query = query
        self.allowedDomains = allowedDomains
        self.blockedDomains = blockedDomains
        self.maxResults = maxResults
    }
}

/// Builds the HTTP request each backend expects:
/// - Tavily: `POST {base}/search`, JSON `{query, max_results, include_domains, exclude_domains}`,
///   `Authorization: Bearer KEY`.
/// - Brave: `GET {base}/res/v1/web/search?q=...&count=N`, `X-Subscription-Token: KEY`; domain
///   rules become `site:` / `-site:` terms of the query.
/// - SearXNG: `GET {base}/search?q=...&format=json`, with the same `site:` terms; a key, if
///   set, goes as `Authorization: Bearer KEY` (for a SearXNG behind a proxy that wants one).
///
/// The hits are filtered by the domain rules again afterwards (``DomainRules``), since not every
/// backend honours `site:`.
public enum SearchRequestBuilder {
    public static func build(_ query: SearchQuery, provider: SearchProvider, baseURL: String, apiKey: String?) -> SearchRequest {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let count = max(1, min(query.maxResults, 20))
        switch provider {
        case .tavily:
            var object: [String: TavilyBodyValue] = [
                "query": .string(query.query), "max_results": .int(count),
            ]
            if !query.allowedDomains.isEmpty { object["include_domains"] = .strings(query.allowedDomains) }
            if !query.blockedDomains.isEmpty { object["exclude_domains"] = .strings(query.blockedDomains) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = (try? encoder.encode(object)).map(Array.init) ?? []
            var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
            if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
            return SearchRequest(method: .post, url: base + "/search", headers: headers, body: body)
        case .brave:
            let q = siteQuery(query)
            var headers = [("Accept", "application/json")]
            if let apiKey, !apiKey.isEmpty { headers.append(("X-Subscription-Token", apiKey)) }
            return SearchRequest(
                method: .get, url: base + "/res/v1/web/search?q=\(percentEncoded(q))&count=\(count)", headers: headers, body: nil)
        case .searxng:
            let q = siteQuery(query)
            var headers = [("Accept", "application/json")]
            if let apiKey, !apiKey.isEmpty { headers.append(("Authorization", "Bearer \(apiKey)")) }
            return SearchRequest(method: .get, url: base + "/search?q=\(percentEncoded(q))&format=json", headers: headers, body: nil)
        }
    }

    /// The query with `site:` terms for the domain rules (one allowed domain: `site:a`; several:
    /// `(site:a OR site:b)`; blocked: `-site:c`).
    static func siteQuery(_ query: SearchQuery) -> String {
        var terms = [query.query]
        let allowed = query.allowedDomains.map { "site:\($0)" }
        if allowed.count == 1 { terms.append(allowed[0]) }
        if allowed.count > 1 { terms.append("(" + allowed.joined(separator: " OR ") + ")") }
        terms += query.blockedDomains.map { "-site:\($0)" }
        return terms.joined(separator: " ")
    }

    /// RFC 3986 unreserved characters pass; everything else is `%XX` (a space too).
    public static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

enum TavilyBodyValue: Encodable {
    case string(String)
    case int(Int)
    case strings([String])
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        case .strings(let a): try c.encode(a)
        }
    }
}

/// `allowed_domains` / `blocked_domains` as Anthropic applies them: a domain covers its
/// subdomains (`example.com` covers `docs.example.com`), a leading `www.` is ignored, and a
/// rule may carry a path (`example.com/blog`) that the URL's path must start with.
public struct DomainRules: Sendable, Hashable {
    public var allowed: [String]
    public var blocked: [String]

    public init(allowed: [String] = [], blocked: [String] = []) {
        self.allowed = allowed
        self.blocked = blocked
    }

    /// Whether `url` may be shown or fetched.
    public func permits(_ url: String) -> Bool {
        guard let parsed = WebURL(url) else { return false }
        if blocked.contains(where: { Self.rule($0, covers: parsed) }) { return false }
        if allowed.isEmpty { return true }
        return allowed.contains(where: { Self.rule($0, covers: parsed) })
    }

    static func rule(_ rule: String, covers url: WebURL) -> Bool {
        var text = rule.lowercased()
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) { text = String(text.dropFirst(scheme.count)) }
        let slash = text.firstIndex(of: "/")
        var domain = slash.map { String(text[..<$0]) } ?? text
        let path = slash.map { String(text[$0...]) } ?? ""
        if domain.hasPrefix("www.") { domain = String(domain.dropFirst(4)) }
        if domain.hasPrefix("*.") { domain = String(domain.dropFirst(2)) }
        var host = url.host
        if host.hasPrefix("www.") { host = String(host.dropFirst(4)) }
        guard !domain.isEmpty, host == domain || host.hasSuffix("." + domain) else { return false }
        return path.isEmpty || path == "/" || url.path.hasPrefix(path)
    }
}
