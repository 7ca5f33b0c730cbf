import Testing
@testable import Translation

@Suite("TranslationConfig")
struct TranslationConfigTests {
    @Test("2.9 MAX_TOKENS_LIMIT is never below MIN_TOKENS_LIMIT")
    func limits() {
        let c = TranslationConfig(minTokens: 100, maxTokens: 10)
        #expect(c.minTokens == 100 && c.maxTokens == 100)
        let r = ModelRouter(config: c)
        #expect(r.config == c)
    }

    @Test("2.1 defaults name a model for every route")
    func defaults() {
        let c = TranslationConfig()
        for model in [c.bigModel, c.middleModel, c.smallModel, c.visionModel] {
            #expect(model.contains("/"))
        }
        #expect(c.stripImageContext == false)
    }
}
