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

    @Test("2.1 the built-in defaults are ids of today's catalogue, not the retired ones")
    func currentDefaults() {
        let c = TranslationConfig()
        #expect(c.bigModel == "zai-org/GLM-5.2")
        #expect(c.middleModel == "moonshotai/Kimi-K2.7-Code")
        #expect(c.smallModel == "openai/gpt-oss-120b")
        #expect(c.visionModel == "Qwen/Qwen2.5-VL-72B-Instruct")
        for retired in ["zai-org/GLM-4.7-FP8", "Qwen/Qwen3-Coder-480B-A35B-Instruct", "openai/gpt-oss-20b"] {
            #expect(![c.bigModel, c.middleModel, c.smallModel, c.visionModel].contains(retired))
        }
    }
}
