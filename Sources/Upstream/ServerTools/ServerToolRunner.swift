import AsyncHTTPClient
import ClaudeAPI
import Documents
import Logging
import Translation
import WebTools

/// What running one server-tool call gave: the block the client sees and the text the model reads.
public struct ServerToolOutcome: Sendable, Hashable {
    public var block: ContentBlock
    public var modelText: String
    /// Whether the call counts in `usage.server_tool_use` (it reached the backend or the page).
    public var counted: Bool

    public init(block: ContentBlock, modelText: String, counted: Bool) {
        self.block = block
        self.modelText = modelText
        self.counted = counted
    }
}

/// Runs the server tools' calls (I/O). The loop asks it which tools can run at all, so that a
/// tool with no backend is not offered to the model.
public protocol ServerToolRunning: Sendable {
    /// The kinds that can run now (web search needs a backend).
    var available: Set<ServerToolKind> { get }
    func run(_ kind: ServerToolKind, input: JSONValue, spec: ServerToolSpec, toolUseID: String) async -> ServerToolOutcome
}

/// Web search on the configured backend and web fetch with the SSRF guard.
public struct WebToolRunner: ServerToolRunning {
    let search: SearchClient
    let fetcher: PageFetcher
    let logger: Logger

    public init(config: WebToolsConfig, httpClient: HTTPClient, logger: Logger, pdfText: (@Sendable ([UInt8]) throws -> String)? = nil) {
        search = SearchClient(config: config, httpClient: httpClient, logger: logger)
        fetcher = PageFetcher(config: config, logger: logger, pdfText: pdfText ?? Self.pdfText)
        self.logger = logger
    }

    init(search: SearchClient, fetcher: PageFetcher, logger: Logger) {
        self.search = search
        self.fetcher = fetcher
        self.logger = logger
    }

    /// A fetched PDF's text, page by page with page markers (poppler, see ``PDFReader``).
    @Sendable static func pdfText(_ bytes: [UInt8]) throws -> String {
        do {
            return try PDFReader.text(bytes).marked
        } catch {
            throw WebToolError(.unsupportedContentType, error.message)
        }
    }

    public var available: Set<ServerToolKind> {
        var kinds: Set<ServerToolKind> = []
        if search.config.searchAvailable { kinds.insert(.webSearch) }
        if fetcher.config.fetchEnabled { kinds.insert(.webFetch) }
        return kinds
    }

    public func run(_ kind: ServerToolKind, input: JSONValue, spec: ServerToolSpec, toolUseID: String) async -> ServerToolOutcome {
        let argument = input[kind.parameter].flatMap { if case .string(let s) = $0 { s } else { nil } }
        switch kind {
        case .webSearch:
            guard let query = argument else {
                return Self.failure(kind, toolUseID, WebToolError(.invalidToolInput, "web_search needs a \"query\" string."))
            }
            do {
                let hits = try await search.search(SearchQuery(
                    query: query, allowedDomains: spec.allowedDomains, blockedDomains: spec.blockedDomains))
                let results = hits.map { ServerSearchResult(url: $0.url, title: $0.title, pageAge: $0.pageAge, snippet: $0.snippet) }
                logger.info("web search", metadata: ["results": "\(results.count)"])
                return ServerToolOutcome(
                    block: ServerToolBlocks.searchResults(toolUseID: toolUseID, results: results),
                    modelText: ServerToolBlocks.modelText(query: query, results: results), counted: true)
            } catch {
                return Self.failure(kind, toolUseID, error, counted: error.code != .unavailable && error.code != .invalidToolInput)
            }
        case .webFetch:
            guard let url = argument else {
                return Self.failure(kind, toolUseID, WebToolError(.invalidToolInput, "web_fetch needs a \"url\" string."))
            }
            do {
                let page = try await fetcher.fetch(
                    url, rules: DomainRules(allowed: spec.allowedDomains, blocked: spec.blockedDomains),
                    maxContentTokens: spec.maxContentTokens)
                logger.info("web fetch", metadata: ["bytes": "\(page.text.utf8.count)", "type": "\(page.mediaType)"])
                return ServerToolOutcome(
                    block: ServerToolBlocks.fetchResult(
                        toolUseID: toolUseID, url: page.url, title: page.title, text: page.text, retrievedAt: page.retrievedAt),
                    modelText: ServerToolBlocks.modelText(url: page.url, title: page.title, text: page.text), counted: true)
            } catch {
                logger.notice("web fetch refused or failed", metadata: ["code": "\(error.code.rawValue)", "reason": "\(error.message)"])
                return Self.failure(kind, toolUseID, error, counted: error.code == .urlNotAccessible || error.code == .unsupportedContentType)
            }
        }
    }

    /// The error block for `error` (its code must be one the tool's result type knows).
    static func failure(_ kind: ServerToolKind, _ toolUseID: String, _ error: WebToolError, counted: Bool = false) -> ServerToolOutcome {
        ServerToolOutcome(
            block: errorBlock(kind, toolUseID, code: error.code.rawValue),
            modelText: ServerToolBlocks.modelText(errorCode: error.code.rawValue, message: error.message), counted: counted)
    }

    static func errorBlock(_ kind: ServerToolKind, _ toolUseID: String, code: String) -> ContentBlock {
        switch kind {
        case .webSearch:
            // The search result error has fewer codes than the fetch one.
            let known: Set<String> = ["invalid_tool_input", "unavailable", "max_uses_exceeded", "too_many_requests", "query_too_long"]
            return ServerToolBlocks.searchError(toolUseID: toolUseID, code: known.contains(code) ? code : "unavailable")
        case .webFetch:
            return ServerToolBlocks.fetchError(toolUseID: toolUseID, code: code)
        }
    }
}
