import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// Runs one search on the configured backend.
///
/// ```swift
/// let search = SearchClient(config: webTools, httpClient: http, logger: logger)
/// let hits = try await search.search(SearchQuery(query: "swift 6.3 release"))
/// ```
///
/// Failures are ``WebToolError``s (`unavailable`, `too_many_requests`), never a crash and
/// never with the key in them.
public struct SearchClient: Sendable {
    public let config: WebToolsConfig
    let httpClient: HTTPClient
    let logger: Logger
    /// The most of a backend's answer that is read.
    static let maxAnswerBytes = 4 * 1024 * 1024

    public init(config: WebToolsConfig, httpClient: HTTPClient, logger: Logger) {
        self.config = config
        self.httpClient = httpClient
        self.logger = logger
    }

    public func search(_ query: SearchQuery) async throws(WebToolError) -> [SearchHit] {
        if let reason = config.searchUnavailableReason { throw WebToolError(.unavailable, reason) }
        guard let provider = config.searchProvider, let base = config.searchEndpoint else {
            throw WebToolError(.unavailable, "Web search is not configured.")
        }
        let trimmed = query.query.trimmingWhitespace()
        if trimmed.isEmpty { throw WebToolError(.invalidToolInput, "The search query is empty.") }
        if trimmed.utf8.count > 2_000 { throw WebToolError(.queryTooLong, "The search query is longer than 2,000 bytes.") }
        let built = SearchRequestBuilder.build(query, provider: provider, baseURL: base, apiKey: config.searchAPIKey)
        var request = HTTPClientRequest(url: built.url)
        request.method = built.method == .post ? .POST : .GET
        for (name, value) in built.headers { request.headers.add(name: name, value: value) }
        if let body = built.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let client = httpClient
        let prepared = request
        let timeout = config.searchTimeout
        let name = provider.rawValue
        let (status, body): (UInt, [UInt8])
        do {
            (status, body) = try await withTimeLimit(timeout, onTimeout: {
                WebToolError(.unavailable, "The \(name) search backend did not answer within \(Int(timeout)) s.")
            }) {
                let response = try await client.execute(prepared, timeout: .milliseconds(Int64(timeout * 1000) + 1000))
                var bytes: [UInt8] = []
                for try await buffer in response.body {
                    bytes.append(contentsOf: buffer.readableBytesView.prefix(Self.maxAnswerBytes - bytes.count))
                    if bytes.count >= Self.maxAnswerBytes { break }
                }
                return (response.status.code, bytes)
            }
        } catch let error as WebToolError {
            logger.warning("web search failed", metadata: ["provider": "\(name)", "reason": "\(error.message)"])
            throw error
        } catch {
            let reason = redact("\(error)")
            logger.warning("web search failed", metadata: ["provider": "\(name)", "reason": "\(reason)"])
            throw WebToolError(.unavailable, "The \(name) search backend could not be reached (\(reason)).")
        }
        switch status {
        case 200..<300:
            break
        case 429:
            throw WebToolError(.tooManyRequests, "The \(name) search backend is rate limiting (429).")
        case 401, 403:
            throw WebToolError(.unavailable, "The \(name) search backend refused WEB_SEARCH_API_KEY (\(status)).")
        default:
            throw WebToolError(.unavailable, "The \(name) search backend answered \(status).")
        }
        let hits: [SearchHit]
        do {
            hits = try SearchResponseParser.parse(body, provider: provider)
        } catch {
            logger.warning("web search answer unreadable", metadata: ["provider": "\(name)", "reason": "\(redact("\(error)"))"])
            throw WebToolError(.unavailable, "The \(name) search backend's answer could not be read.")
        }
        let rules = DomainRules(allowed: query.allowedDomains, blocked: query.blockedDomains)
        return Array(hits.filter { rules.permits($0.url) }.prefix(query.maxResults))
    }

    /// `text` without the search key.
    public func redact(_ text: String) -> String {
        guard let key = config.searchAPIKey, key.count >= 4 else { return text }
        return text.replacing(key, with: "[redacted]")
    }
}
