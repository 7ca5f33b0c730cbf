import Testing

@testable import NebiusChat

@Suite("serve start-up")
struct ServeSummaryTests {
    @Test("the summary names address, upstream, mapping and auth, and never a key")
    func summary() throws {
        let settings = try Settings(layers: ConfigurationLayers(layers: [
            .init(name: "environment", values: [
                "NEBIUS_API_KEY": "nb-very-secret", "ANTHROPIC_API_KEY": "client-very-secret", "SMALL_MODEL": "s/m",
            ]),
        ]))
        let text = Serve(settings: settings, allowUnauthenticated: false).startupSummary(address: "http://127.0.0.1:8083")
        #expect(text.contains("listening on http://127.0.0.1:8083"))
        #expect(text.contains("https://api.tokenfactory.nebius.com/v1"))
        #expect(text.contains("haiku -> s/m"))
        #expect(text.contains("client auth: on"))
        #expect(text.contains("key from environment"))
        #expect(!text.contains("nb-very-secret"))
        #expect(!text.contains("client-very-secret"))
    }
}
