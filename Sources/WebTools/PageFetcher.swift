#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// A fetched page as the model reads it.
public struct FetchedPage: Sendable, Hashable {
    /// The URL asked for (what `web_fetch_result.url` carries).
    public var url: String
    /// Where the page was finally read from, after redirects.
    public var finalURL: String
    /// ISO 8601, UTC.
    public var retrievedAt: String
    public var title: String?
    /// The readable text (HTML converted, plain text and JSON as they came, PDF text).
    public var text: String
    /// The page's media type, without parameters (`text/html`).
    public var mediaType: String
    /// Whether the size limit or `max_content_tokens` cut the text short.
    public var truncated: Bool
}

/// Fetches a page for `web_fetch`: http(s) only, at most 5 redirects, a time and a size
/// limit, and the SSRF guard on every hop (the host is resolved here and every address is
/// checked with ``AddressGuard``; the request then connects to the checked address itself, so
/// a second DNS answer cannot point it elsewhere: plain http by address with a `Host` header,
/// https by name for TLS with the connection pinned to the address).
///
/// ```swift
/// let fetcher = PageFetcher(config: webTools, logger: logger)
/// let page = try await fetcher.fetch("https://example.com", maxContentTokens: 20_000)
/// ```
public struct PageFetcher: Sendable {
    public let config: WebToolsConfig
    let httpClient: HTTPClient
    let resolver: any HostResolving
    let transport: any PageTransport
    let logger: Logger
    /// PDF bytes to text; `nil`: a PDF is `unsupported_content_type`.
    let pdfText: (@Sendable ([UInt8]) throws -> String)?

    public static let maxRedirects = 5
    /// The longest URL accepted (Anthropic's limit).
    public static let maxURLLength = 250_000

    /// The process-wide client for fetching: redirects off (they are followed here, each one
    /// checked), no retries of connection attempts. Never shut down, like `HTTPClient.shared`.
    public static let sharedHTTPClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)

    /// Redirects off (they are followed here, each one checked), no retries of connection attempts.
    static var clientConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.decompression = .enabled(limit: .ratio(50))
        return configuration
    }

    public init(
        config: WebToolsConfig, httpClient: HTTPClient = PageFetcher.sharedHTTPClient,
        resolver: any HostResolving = SystemResolver(), transport: (any PageTransport)? = nil, logger: Logger,
        pdfText: (@Sendable ([UInt8]) throws -> String)? = nil
    ) {
        self.config = config
        self.httpClient = httpClient
        self.resolver = resolver
        self.transport = transport ?? HTTPPageTransport(httpClient: httpClient, timeout: config.fetchTimeout, maxBytes: config.fetchMaxBytes)
        self.logger = logger
        self.pdfText = pdfText
    }

    /// Fetches `url` under the domain `rules`, cutting the text to about `maxContentTokens`.
    public func fetch(_ url: String, rules: DomainRules = DomainRules(), maxContentTokens: Int? = nil) async throws(WebToolError) -> FetchedPage {
        if url.utf8.count > Self.maxURLLength { throw WebToolError(.urlTooLong, "The URL is longer than \(Self.maxURLLength) bytes.") }
        guard let start = WebURL(url) else {
            if url.contains("://"), !url.lowercased().hasPrefix("http") {
                throw WebToolError(.urlNotAllowed, "Only http and https URLs can be fetched.")
            }
            throw WebToolError(.invalidToolInput, "\"\(String(url.prefix(200)))\" is not an absolute http(s) URL.")
        }
        let timeout = config.fetchTimeout
        let this = self
        do {
            return try await withTimeLimit(timeout, onTimeout: {
                WebToolError(.urlNotAccessible, "\(start.host) did not answer within \(Int(timeout)) s.")
            }) {
                try await this.follow(start, requested: url, rules: rules, maxContentTokens: maxContentTokens)
            }
        } catch let error as WebToolError {
            throw error
        } catch {
            throw WebToolError(.urlNotAccessible, "\(start.host) could not be fetched (\(error)).")
        }
    }

    private func follow(_ start: WebURL, requested: String, rules: DomainRules, maxContentTokens: Int?) async throws -> FetchedPage {
        var current = start
        var hops = 0
        while true {
            guard rules.permits(current.description) else {
                throw WebToolError(.urlNotAllowed, "\(current.host) is not allowed by the tool's domain rules.")
            }
            let address = try await checkedAddress(current)
            let response = try await transport.get(current, connectingTo: address)
            let status = response.status
            if (300..<400).contains(status), status != 304 {
                guard let location = response.location else {
                    throw WebToolError(.urlNotAccessible, "\(current.host) redirected (\(status)) without a Location.")
                }
                hops += 1
                guard hops <= Self.maxRedirects else {
                    throw WebToolError(.urlNotAccessible, "More than \(Self.maxRedirects) redirects.")
                }
                guard let next = current.resolving(location) else {
                    throw WebToolError(.urlNotAllowed, "A redirect leads to a URL that is not http(s).")
                }
                current = next
                continue
            }
            if status == 429 { throw WebToolError(.tooManyRequests, "\(current.host) is rate limiting (429).") }
            guard (200..<300).contains(status) else {
                throw WebToolError(.urlNotAccessible, "\(current.host) answered \(status).")
            }
            return try page(
                body: response.body, contentType: response.contentType, cut: response.cut, requested: requested, final: current,
                maxContentTokens: maxContentTokens)
        }
    }

    /// The address to connect to: every address of the host must pass the guard.
    private func checkedAddress(_ url: WebURL) async throws -> IPAddress? {
        if !config.fetchAllowsPrivate, config.fetchPrivateAllowList.isEmpty, AddressGuard.isInternalName(url.host) {
            throw WebToolError(.urlNotAllowed, "\(url.host) is an internal host name (set WEB_FETCH_ALLOW_PRIVATE=1 to allow).")
        }
        let addresses: [IPAddress]
        do {
            addresses = try await resolver.addresses(of: url.host, port: url.effectivePort)
        } catch {
            throw WebToolError(.urlNotAccessible, "\(error)")
        }
        guard let first = addresses.first else { throw WebToolError(.urlNotAccessible, "\(url.host) has no address.") }
        if !config.fetchAllowsPrivate {
            for address in addresses {
                let verdict = AddressGuard.classify(address)
                if verdict != .allowed, !config.fetchPrivateAllowList.contains(where: { $0.contains(address) }) {
                    throw WebToolError(
                        .urlNotAllowed,
                        "\(url.host) resolves to a \(verdict.rawValue) address (\(address)); set WEB_FETCH_ALLOW_PRIVATE=1 to allow.")
                }
            }
        }
        return first
    }

    func page(
        body: [UInt8], contentType: String, cut: Bool, requested: String, final: WebURL, maxContentTokens: Int?
    ) throws -> FetchedPage {
        let kind = PageContent.kind(contentType: contentType, body: body)
        var title: String?
        var text: String
        switch kind {
        case .html:
            let html = PageContent.decode(body, contentType: contentType)
            title = HTMLText.title(html)
            text = HTMLText.readable(html)
        case .text:
            text = PageContent.decode(body, contentType: contentType)
        case .pdf:
            if cut { throw WebToolError(.contentTooLarge, "The PDF is larger than \(config.fetchMaxBytes) bytes.") }
            guard let pdfText else { throw WebToolError(.unsupportedContentType, "PDF pages cannot be read by this proxy yet.") }
            do {
                text = try pdfText(body)
            } catch {
                throw WebToolError(.unsupportedContentType, "The PDF could not be read (\(error)).")
            }
        case .unsupported(let type):
            throw WebToolError(.unsupportedContentType, "\(type) is not a text, HTML, JSON or PDF page.")
        }
        var truncated = cut
        if let maxContentTokens, maxContentTokens > 0 {
            // About four characters a token, the estimate the token counter uses too.
            let limit = maxContentTokens * 4
            if text.count > limit {
                text = String(text.prefix(limit))
                truncated = true
            }
        }
        if truncated { text += "\n\n[content truncated]" }
        return FetchedPage(
            url: requested, finalURL: final.description, retrievedAt: Date().formatted(.iso8601), title: title, text: text,
            mediaType: PageContent.mediaType(contentType) ?? kind.defaultMediaType, truncated: truncated)
    }
}

/// One GET as the fetcher sees it.
public struct PageResponse: Sendable, Hashable {
    public var status: UInt
    public var location: String?
    public var contentType: String
    public var body: [UInt8]
    /// Whether the body was cut at the size limit.
    public var cut: Bool

    public init(status: UInt, location: String? = nil, contentType: String = "", body: [UInt8] = [], cut: Bool = false) {
        self.status = status
        self.location = location
        self.contentType = contentType
        self.body = body
        self.cut = cut
    }
}

/// Sends one GET without following redirects (the fetcher follows them, checking each hop).
public protocol PageTransport: Sendable {
    /// `address` is the checked address of `url`'s host, when the host was resolved.
    func get(_ url: WebURL, connectingTo address: IPAddress?) async throws -> PageResponse
}

/// ``PageTransport`` over AsyncHTTPClient.
struct HTTPPageTransport: PageTransport {
    let httpClient: HTTPClient
    let timeout: Double
    let maxBytes: Int

    func get(_ url: WebURL, connectingTo address: IPAddress?) async throws -> PageResponse {
        if url.scheme == "https", let address, IPAddress(url.host) == nil {
            // TLS needs the name (SNI, the certificate) and the connection the checked address:
            // AsyncHTTPClient's dnsOverride does both, but is set per client, so this fetch gets its own.
            var configuration = PageFetcher.clientConfiguration
            configuration.dnsOverride = [url.host: address.description]
            configuration.timeout.connect = .milliseconds(Int64(timeout * 1000))
            let pinned = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            // Closing a connection that hangs in its handshake waits for it: not on the answer's path.
            defer { Task { try? await pinned.shutdown() } }
            return try await send(url, hostHeader: nil, with: pinned)
        }
        var target = url
        var hostHeader: String?
        // Plain http connects to the address that was checked, naming the host in `Host`.
        if url.scheme == "http", let address, IPAddress(url.host) == nil {
            hostHeader = url.port.map { "\(url.host):\($0)" } ?? url.host
            target.host = address.description
        }
        return try await send(target, hostHeader: hostHeader, with: httpClient)
    }

    private func send(_ target: WebURL, hostHeader: String?, with httpClient: HTTPClient) async throws -> PageResponse {
        var request = HTTPClientRequest(url: target.description)
        request.method = .GET
        if let hostHeader { request.headers.replaceOrAdd(name: "Host", value: hostHeader) }
        request.headers.add(name: "User-Agent", value: "nebius-chat-web-fetch/1")
        request.headers.add(
            name: "Accept", value: "text/html,application/xhtml+xml,text/plain,application/json,application/pdf;q=0.9,*/*;q=0.5")
        let response = try await httpClient.execute(request, timeout: .milliseconds(Int64(timeout * 1000) + 1000))
        let status = response.status.code
        var result = PageResponse(
            status: status, location: response.headers.first(name: "location"),
            contentType: response.headers.first(name: "content-type") ?? "")
        guard (200..<300).contains(status) else { return result }
        for try await buffer in response.body {
            let room = maxBytes - result.body.count
            if buffer.readableBytes > room {
                result.body.append(contentsOf: buffer.readableBytesView.prefix(room))
                result.cut = true
                break
            }
            result.body.append(contentsOf: buffer.readableBytesView)
        }
        return result
    }
}
