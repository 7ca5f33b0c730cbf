/// The search backends serve can run `web_search` on (`WEB_SEARCH_PROVIDER`).
public enum SearchProvider: String, Sendable, Hashable, CaseIterable {
    case tavily, brave, searxng

    /// The endpoint used when `WEB_SEARCH_BASE_URL` is not set (SearXNG has none: it is
    /// self-hosted, so its base URL is required).
    public var defaultBaseURL: String? {
        switch self {
        case .tavily: return "https://api.tavily.com"
        case .brave: return "https://api.search.brave.com"
        case .searxng: return nil
        }
    }

    /// Whether the backend needs `WEB_SEARCH_API_KEY`.
    public var needsKey: Bool { self != .searxng }
}

/// One search result as the backends give it, before it becomes a `web_search_result` block.
public struct SearchHit: Sendable, Hashable {
    public var url: String
    public var title: String
    /// The snippet or page extract the backend returned (what the model reads).
    public var snippet: String
    /// The page's date or age as the backend words it, when known.
    public var pageAge: String?

    public init(url: String, title: String, snippet: String, pageAge: String? = nil) {
        self.url = url
        self.title = title
        self.snippet = snippet
        self.pageAge = pageAge
    }
}
