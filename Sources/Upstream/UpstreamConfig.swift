/// How to reach the OpenAI-compatible upstream (Nebius Token Factory by default).
public struct UpstreamConfig: Sendable, Hashable {
    /// Base URL up to and including `/v1`, without a trailing slash.
    public var baseURL: String
    /// The Nebius key, sent as `Authorization: Bearer`. Never logged.
    public var apiKey: String
    /// Seconds without a byte from the upstream before a request is abandoned.
    public var requestTimeout: Double
    /// Seconds to establish a connection.
    public var connectTimeout: Double
    /// Retries before the first byte went to the client (connect errors, 429, 5xx).
    public var maxRetries: Int
    /// Upper bound for one backoff wait, including a `Retry-After` the upstream asked for.
    public var maxRetryDelay: Double
    /// Concurrent HTTP/1 connections to the upstream (one per concurrent stream).
    public var maxConnections: Int
    /// Extra headers sent upstream (`CUSTOM_HEADER_X_FOO=bar` -> `X-Foo: bar`).
    public var extraHeaders: [(name: String, value: String)]
    /// Chunks read ahead of a consumer that is not keeping up (plus those of one network read);
    /// beyond that the upstream is not read until it catches up.
    public var chunkReadAhead = 512

    public static let defaultBaseURL = "https://api.tokenfactory.nebius.com/v1"

    public init(
        baseURL: String = UpstreamConfig.defaultBaseURL,
        apiKey: String,
        requestTimeout: Double = 90,
        connectTimeout: Double = 10,
        maxRetries: Int = 2,
        maxRetryDelay: Double = 10,
        maxConnections: Int = 1024,
        extraHeaders: [(name: String, value: String)] = []
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.maxRetries = maxRetries
        self.maxRetryDelay = maxRetryDelay
        self.maxConnections = max(1, maxConnections)
        self.extraHeaders = extraHeaders
    }

    public static func == (lhs: UpstreamConfig, rhs: UpstreamConfig) -> Bool {
        lhs.baseURL == rhs.baseURL && lhs.apiKey == rhs.apiKey && lhs.requestTimeout == rhs.requestTimeout
            && lhs.connectTimeout == rhs.connectTimeout && lhs.maxRetries == rhs.maxRetries
            && lhs.maxRetryDelay == rhs.maxRetryDelay
            && lhs.extraHeaders.map(\.name) == rhs.extraHeaders.map(\.name)
            && lhs.extraHeaders.map(\.value) == rhs.extraHeaders.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(baseURL)
        hasher.combine(maxRetries)
    }
}
