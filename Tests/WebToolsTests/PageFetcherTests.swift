import Logging
import Synchronization
import Testing
@testable import WebTools

/// Names to addresses, as a test's DNS.
struct FakeResolver: HostResolving {
    var table: [String: [String]]
    func addresses(of host: String, port: Int) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        guard let list = table[host] else { throw SystemResolver.Failure(description: "\(host) does not resolve") }
        return list.compactMap(IPAddress.init)
    }
}

/// Answers by URL and records what was asked (URL and the address connected to).
final class FakeTransport: PageTransport {
    let pages: [String: PageResponse]
    let asked = Mutex<[String]>([])
    init(_ pages: [String: PageResponse]) { self.pages = pages }
    func get(_ url: WebURL, connectingTo address: IPAddress?) async throws -> PageResponse {
        asked.withLock { $0.append("\(url) via \(address.map(\.description) ?? "-")") }
        guard let page = pages[url.description] else { return PageResponse(status: 404) }
        return page
    }
}

@Suite struct PageFetcherTests {
    static let dns = FakeResolver(table: [
        "public.test": ["93.184.216.34"], "other.test": ["151.101.1.1"], "internal.test": ["10.0.0.5"],
        "mixed.test": ["93.184.216.34", "127.0.0.1"], "v6local.test": ["::ffff:192.168.0.10"],
    ])

    func fetcher(_ pages: [String: PageResponse], allowPrivate: Bool = false, maxBytes: Int = 1 << 20) -> (PageFetcher, FakeTransport) {
        let transport = FakeTransport(pages)
        let config = WebToolsConfig(fetchMaxBytes: maxBytes, fetchAllowsPrivate: allowPrivate)
        return (PageFetcher(config: config, resolver: Self.dns, transport: transport, logger: Logger(label: "test")), transport)
    }

    func code(_ run: () async throws(WebToolError) -> FetchedPage) async -> WebToolError.Code? {
        do { _ = try await run(); return nil } catch { return error.code }
    }

    @Test func htmlBecomesTextWithTitle() async throws {
        let (f, t) = fetcher(["http://public.test/": PageResponse(
            status: 200, contentType: "text/html", body: Array("<title>Hi</title><h1>Head</h1><script>x()</script><p>Body</p>".utf8))])
        let page = try await f.fetch("http://public.test")
        #expect(page.text == "# Head\n\nBody")
        #expect(page.title == "Hi")
        #expect(page.url == "http://public.test")
        #expect(page.retrievedAt.hasSuffix("Z"))
        // Plain http connects to the checked address.
        #expect(t.asked.withLock { $0 } == ["http://public.test/ via 93.184.216.34"])
    }

    @Test func jsonComesThroughAsIs() async throws {
        let (f, _) = fetcher(["https://public.test/a.json": PageResponse(status: 200, contentType: "application/json", body: Array(#"{"a": [1, 2]}"#.utf8))])
        #expect(try await f.fetch("https://public.test/a.json").text == #"{"a": [1, 2]}"#)
    }

    @Test func privateAddressesAreRefused() async {
        let (f, t) = fetcher([:])
        for url in ["http://127.0.0.1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data", "http://internal.test/",
                    "http://mixed.test/", "http://v6local.test/", "http://localhost:8080/", "http://[::ffff:127.0.0.1]/"] {
            #expect(await code { () async throws(WebToolError) in try await f.fetch(url) } == .urlNotAllowed, "\(url)")
        }
        #expect(t.asked.withLock { $0 }.isEmpty)
    }

    @Test func everyRedirectIsChecked() async {
        let (f, t) = fetcher([
            "http://public.test/": PageResponse(status: 302, location: "http://other.test/next"),
            "http://other.test/next": PageResponse(status: 301, location: "http://internal.test/admin"),
        ])
        #expect(await code { () async throws(WebToolError) in try await f.fetch("http://public.test/") } == .urlNotAllowed)
        #expect(t.asked.withLock { $0 }.count == 2)
        let (g, _) = fetcher(["http://public.test/": PageResponse(status: 307, location: "http://[::ffff:169.254.169.254]/")])
        #expect(await code { () async throws(WebToolError) in try await g.fetch("http://public.test/") } == .urlNotAllowed)
    }

    @Test func allowPrivateLiftsTheGuard() async throws {
        let (f, _) = fetcher(["http://127.0.0.1:9/": PageResponse(status: 200, contentType: "text/plain", body: Array("local".utf8))], allowPrivate: true)
        #expect(try await f.fetch("http://127.0.0.1:9/").text == "local")
    }

    @Test func atMostFiveRedirects() async {
        var pages: [String: PageResponse] = [:]
        for n in 0..<7 { pages["http://public.test/\(n)"] = PageResponse(status: 302, location: "/\(n + 1)") }
        pages["http://public.test/7"] = PageResponse(status: 200, contentType: "text/plain", body: [0x61])
        let (f, t) = fetcher(pages)
        #expect(await code { () async throws(WebToolError) in try await f.fetch("http://public.test/0") } == .urlNotAccessible)
        #expect(t.asked.withLock { $0 }.count == 6)
        let (g, _) = fetcher(pages)
        #expect(try! await g.fetch("http://public.test/2").text == "a")
    }

    @Test func errorCodes() async {
        let (f, _) = fetcher([
            "http://public.test/img": PageResponse(status: 200, contentType: "image/png", body: [0x89]),
            "http://public.test/busy": PageResponse(status: 429),
            "http://public.test/gone": PageResponse(status: 410),
            "http://public.test/pdf": PageResponse(status: 200, contentType: "application/pdf", body: Array("%PDF-1.4".utf8)),
        ])
        func c(_ url: String) async -> WebToolError.Code? { await code { () async throws(WebToolError) in try await f.fetch(url) } }
        #expect(await c("http://public.test/img") == .unsupportedContentType)
        #expect(await c("http://public.test/busy") == .tooManyRequests)
        #expect(await c("http://public.test/gone") == .urlNotAccessible)
        #expect(await c("http://nowhere.test/") == .urlNotAccessible)
        #expect(await c("ftp://public.test/") == .urlNotAllowed)
        #expect(await c("not a url") == .invalidToolInput)
        // Without a PDF reader, a PDF is unsupported.
        #expect(await c("http://public.test/pdf") == .unsupportedContentType)
    }

    @Test func domainRulesApplyToRedirectsToo() async {
        let (f, _) = fetcher(["http://public.test/": PageResponse(status: 302, location: "http://other.test/")])
        let rules = DomainRules(allowed: ["public.test"])
        #expect(await code { () async throws(WebToolError) in try await f.fetch("http://public.test/", rules: rules) } == .urlNotAllowed)
    }

    @Test func sizeAndTokenLimitsTruncate() async throws {
        let (f, _) = fetcher(["http://public.test/": PageResponse(status: 200, contentType: "text/plain", body: Array(repeating: 0x61, count: 1000))])
        let page = try await f.fetch("http://public.test/", maxContentTokens: 10)
        #expect(page.truncated)
        #expect(page.text.hasPrefix(String(repeating: "a", count: 40) + "\n\n[content truncated]"))
    }

    @Test func aPDFGoesThroughThePDFReader() async throws {
        let transport = FakeTransport(["http://public.test/d.pdf": PageResponse(status: 200, contentType: "application/pdf", body: Array("%PDF-1.4".utf8))])
        let f = PageFetcher(
            config: WebToolsConfig(), resolver: Self.dns, transport: transport, logger: Logger(label: "t"),
            pdfText: { bytes in "pdf of \(bytes.count) bytes" })
        #expect(try await f.fetch("http://public.test/d.pdf").text == "pdf of 8 bytes")
    }
}

@Suite struct PrivateAllowListTests {
    @Test func onlyTheListedPrivateAddressesOpen() async throws {
        let transport = FakeTransport([
            "http://127.0.0.1:8/": PageResponse(status: 302, location: "http://internal.test/"),
            "http://127.0.0.1:8/ok": PageResponse(status: 200, contentType: "text/plain", body: [0x6F, 0x6B]),
        ])
        let config = WebToolsConfig(fetchPrivateAllowList: [try #require(AddressBlock("127.0.0.0/8"))])
        let f = PageFetcher(config: config, resolver: PageFetcherTests.dns, transport: transport, logger: Logger(label: "t"))
        #expect(try await f.fetch("http://127.0.0.1:8/ok").text == "ok")
        do {
            _ = try await f.fetch("http://127.0.0.1:8/")
            Issue.record("the redirect to 10.0.0.5 was followed")
        } catch {
            #expect(error.code == .urlNotAllowed)
            #expect(error.message.contains("10.0.0.5"))
        }
    }
}
