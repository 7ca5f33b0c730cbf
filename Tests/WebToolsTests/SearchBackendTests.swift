import Testing
@testable import WebTools

@Suite struct SearchRequestBuilderTests {
    @Test func tavilyPostsJSONWithBearerKeyAndDomains() throws {
        let q = SearchQuery(query: "swift 6.3", allowedDomains: ["swift.org"], blockedDomains: ["spam.com"], maxResults: 5)
        let r = SearchRequestBuilder.build(q, provider: .tavily, baseURL: "https://api.tavily.com/", apiKey: "tvly-secret")
        #expect(r.method == .post)
        #expect(r.url == "https://api.tavily.com/search")
        #expect(r.headers.contains { $0.0 == "Authorization" && $0.1 == "Bearer tvly-secret" })
        let body = String(decoding: try #require(r.body), as: UTF8.self)
        #expect(body == #"{"exclude_domains":["spam.com"],"include_domains":["swift.org"],"max_results":5,"query":"swift 6.3"}"#)
    }

    @Test func braveGetsWithSubscriptionTokenAndSiteTerms() {
        let q = SearchQuery(query: "a&b c", allowedDomains: ["a.com", "b.org"], blockedDomains: ["x.net"], maxResults: 3)
        let r = SearchRequestBuilder.build(q, provider: .brave, baseURL: "https://api.search.brave.com", apiKey: "BSA123")
        #expect(r.method == .get)
        #expect(r.body == nil)
        #expect(r.url == "https://api.search.brave.com/res/v1/web/search?q=a%26b%20c%20%28site%3Aa.com%20OR%20site%3Ab.org%29%20-site%3Ax.net&count=3")
        #expect(r.headers.contains { $0.0 == "X-Subscription-Token" && $0.1 == "BSA123" })
    }

    @Test func searxngAsksForJSONAndNeedsNoKey() {
        let r = SearchRequestBuilder.build(SearchQuery(query: "ünï"), provider: .searxng, baseURL: "http://127.0.0.1:8888", apiKey: nil)
        #expect(r.url == "http://127.0.0.1:8888/search?q=%C3%BCn%C3%AF&format=json")
        #expect(!r.headers.contains { $0.0 == "Authorization" })
    }
}

@Suite struct SearchResponseParserTests {
    @Test func tavilyResults() throws {
        let body = #"{"query":"q","results":[{"title":"T1","url":"https://a.com/1","content":"c1","score":0.9,"published_date":"2026-01-02"},{"title":"","url":"https://b.com","content":null}],"response_time":0.5}"#
        let hits = try SearchResponseParser.parse(Array(body.utf8), provider: .tavily)
        #expect(hits == [
            SearchHit(url: "https://a.com/1", title: "T1", snippet: "c1", pageAge: "2026-01-02"),
            SearchHit(url: "https://b.com", title: "https://b.com", snippet: "", pageAge: nil),
        ])
    }

    @Test func braveResultsLoseTheirMarkup() throws {
        let body = #"{"type":"search","web":{"results":[{"title":"Swift","url":"https://swift.org","description":"The <strong>Swift</strong> &amp; more","age":"2 days ago","page_age":"2026-11-30T10:00:00"}]}}"#
        let hits = try SearchResponseParser.parse(Array(body.utf8), provider: .brave)
        #expect(hits == [SearchHit(url: "https://swift.org", title: "Swift", snippet: "The Swift & more", pageAge: "2026-11-30T10:00:00")])
    }

    @Test func braveWithoutWebResultsIsEmpty() throws {
        #expect(try SearchResponseParser.parse(Array(#"{"type":"search"}"#.utf8), provider: .brave).isEmpty)
    }

    @Test func searxngResultsSkipThoseWithoutURL() throws {
        let body = #"{"query":"q","results":[{"url":"https://x.org","title":"X","content":"about x","publishedDate":null},{"title":"no url"}]}"#
        let hits = try SearchResponseParser.parse(Array(body.utf8), provider: .searxng)
        #expect(hits == [SearchHit(url: "https://x.org", title: "X", snippet: "about x")])
    }

    @Test(arguments: SearchProvider.allCases)
    func garbageThrowsAReadableError(provider: SearchProvider) {
        for body in ["", "<html>oops</html>", "[1,2]", #"{"results":"nope","web":3}"#] {
            #expect(throws: SearchResponseError.self) { try SearchResponseParser.parse(Array(body.utf8), provider: provider) }
        }
    }
}

@Suite struct DomainRulesTests {
    @Test func subdomainsAndPaths() {
        let allow = DomainRules(allowed: ["example.com", "docs.rs/tokio"])
        #expect(allow.permits("https://example.com/a"))
        #expect(allow.permits("https://www.example.com/a"))
        #expect(allow.permits("https://api.example.com"))
        #expect(!allow.permits("https://badexample.com"))
        #expect(allow.permits("https://docs.rs/tokio/latest"))
        #expect(!allow.permits("https://docs.rs/serde"))
        let block = DomainRules(blocked: ["evil.org"])
        #expect(!block.permits("http://sub.evil.org/x"))
        #expect(block.permits("http://good.org/x"))
        #expect(!block.permits("ftp://good.org"))
    }
}

@Suite struct WebToolsConfigTests {
    @Test func unavailableSaysWhatToSet() {
        #expect(WebToolsConfig().searchUnavailableReason?.contains("WEB_SEARCH_PROVIDER") == true)
        #expect(WebToolsConfig(searchProvider: .brave).searchUnavailableReason?.contains("WEB_SEARCH_API_KEY") == true)
        #expect(WebToolsConfig(searchProvider: .searxng).searchUnavailableReason?.contains("WEB_SEARCH_BASE_URL") == true)
        #expect(WebToolsConfig(searchProvider: .searxng, searchBaseURL: "http://s").searchAvailable)
        #expect(WebToolsConfig(searchProvider: .tavily, searchAPIKey: "k").searchEndpoint == "https://api.tavily.com")
    }
}
