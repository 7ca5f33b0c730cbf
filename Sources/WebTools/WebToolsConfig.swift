/// The settings of serve's own web search and fetch (`WEB_SEARCH_*`, `WEB_FETCH_*`).
public struct WebToolsConfig: Sendable, Hashable {
    /// `WEB_SEARCH_PROVIDER`; `nil`: no search backend, `web_search` is not offered upstream.
    public var searchProvider: SearchProvider?
    /// `WEB_SEARCH_API_KEY`. Never logged, never in an error or a result.
    public var searchAPIKey: String?
    /// `WEB_SEARCH_BASE_URL`: the endpoint (a self-hosted SearXNG, a test server).
    public var searchBaseURL: String?
    /// `WEB_SEARCH_TIMEOUT`: seconds for one search.
    public var searchTimeout: Double
    /// `WEB_FETCH_TIMEOUT`: seconds for one fetch, redirects included.
    public var fetchTimeout: Double
    /// `WEB_FETCH_MAX_BYTES`: the most of a page that is read.
    public var fetchMaxBytes: Int
    /// `WEB_FETCH_ALLOW_PRIVATE=1`: loopback and private addresses may be fetched (tests, an
    /// intranet); off by default so a model cannot reach the proxy's own network.
    public var fetchAllowsPrivate: Bool
    /// `WEB_FETCH_ALLOW_PRIVATE=127.0.0.0/8,10.1.2.3`: only these private addresses may be
    /// fetched (the others stay refused). Empty: all or none, as `fetchAllowsPrivate` says.
    public var fetchPrivateAllowList: [AddressBlock]
    /// `WEB_FETCH=0` turns serve's web fetch off (`web_fetch` is then not offered upstream).
    public var fetchEnabled: Bool

    public init(
        searchProvider: SearchProvider? = nil, searchAPIKey: String? = nil, searchBaseURL: String? = nil,
        searchTimeout: Double = 15, fetchTimeout: Double = 20, fetchMaxBytes: Int = 10 * 1024 * 1024,
        fetchAllowsPrivate: Bool = false, fetchPrivateAllowList: [AddressBlock] = [], fetchEnabled: Bool = true
    ) {
        self.fetchPrivateAllowList = fetchPrivateAllowList
        self.searchProvider = searchProvider
        self.searchAPIKey = searchAPIKey
        self.searchBaseURL = searchBaseURL
        self.searchTimeout = searchTimeout
        self.fetchTimeout = fetchTimeout
        self.fetchMaxBytes = fetchMaxBytes
        self.fetchAllowsPrivate = fetchAllowsPrivate
        self.fetchEnabled = fetchEnabled
    }

    /// Whether a search can run: a provider, its key when it needs one, and an endpoint.
    public var searchAvailable: Bool { searchUnavailableReason == nil }

    /// What to set for search to work, or `nil` when it can run.
    public var searchUnavailableReason: String? {
        guard let provider = searchProvider else {
            return "Web search is not configured on this proxy: set WEB_SEARCH_PROVIDER (tavily, brave or searxng) and WEB_SEARCH_API_KEY (WEB_SEARCH_BASE_URL for SearXNG)."
        }
        if provider.needsKey, (searchAPIKey ?? "").isEmpty {
            return "Web search with \(provider.rawValue) needs WEB_SEARCH_API_KEY."
        }
        if (searchBaseURL ?? provider.defaultBaseURL) == nil {
            return "Web search with searxng needs WEB_SEARCH_BASE_URL (the SearXNG instance, e.g. http://localhost:8888)."
        }
        return nil
    }

    /// The endpoint searched.
    public var searchEndpoint: String? { searchBaseURL ?? searchProvider?.defaultBaseURL }
}
