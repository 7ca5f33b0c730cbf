import ClaudeAPI
import Testing
@testable import Translation

@Suite("ModelRouter (PROTOCOL 2.1)")
struct ModelRouterTests {
    let router = ModelRouter(config: testConfig)

    @Test("2.1 haiku -> SMALL, sonnet -> MIDDLE, opus -> BIG, any case")
    func families() {
        #expect(router.route(modelName: "claude-haiku-4-5-20251001") == "small/model")
        #expect(router.route(modelName: "claude-3-5-Haiku-latest") == "small/model")
        #expect(router.route(modelName: "claude-sonnet-4-5") == "middle/model")
        #expect(router.route(modelName: "CLAUDE-SONNET-4") == "middle/model")
        #expect(router.route(modelName: "claude-opus-4-5") == "big/model")
    }

    @Test("2.1 the [1m] and -1m context suffixes are stripped")
    func contextSuffix() {
        #expect(router.route(modelName: "claude-sonnet-4-5[1m]") == "middle/model")
        #expect(router.route(modelName: "claude-haiku-4-5-1m") == "small/model")
        #expect(router.route(modelName: "zai-org/GLM-4.7-FP8[1m]") == "zai-org/GLM-4.7-FP8")
        #expect(router.route(modelName: "deepseek-ai/DeepSeek-V3-1m") == "deepseek-ai/DeepSeek-V3")
    }

    @Test("2.1 a name containing / passes through unchanged")
    func passThrough() {
        #expect(router.route(modelName: "zai-org/GLM-4.7-FP8") == "zai-org/GLM-4.7-FP8")
        #expect(router.route(modelName: "Qwen/Qwen3-235B-A22B-Instruct-2507") == "Qwen/Qwen3-235B-A22B-Instruct-2507")
    }

    @Test("2.1 anything else -> BIG")
    func fallback() {
        #expect(router.route(modelName: "claude-opus-5-5") == "big/model")
        #expect(router.route(modelName: "my-upstream-model") == "big/model")
        #expect(router.route(modelName: "") == "big/model")
    }

    @Test("2.1 an image in any message -> VISION, whatever the name")
    func vision() {
        let r = MessagesRequest(model: "claude-haiku-4-5", messages: [user(text("a")), assistant(text("b")), user(pngImage(), text("what is it"))])
        #expect(router.route(r) == "vision/model")
        let named = MessagesRequest(model: "zai-org/GLM-4.7-FP8", messages: [user(pngImage())])
        #expect(router.route(named) == "vision/model")
    }

    @Test("2.1 an image inside a tool result -> VISION")
    func visionInToolResult() {
        let r = MessagesRequest(model: "claude-sonnet-4-5", messages: [
            user(text("screenshot please")), assistant(toolUse("t1", "Screenshot")),
            user(toolResult("t1", [text("here"), pngImage()])),
        ])
        #expect(router.route(r) == "vision/model")
    }

    @Test("2.1 no image -> the name decides")
    func noImage() {
        let r = MessagesRequest(model: "claude-haiku-4-5", messages: [user(text("a"))])
        #expect(router.route(r) == "small/model")
    }

    @Test("2.1 STRIP_IMAGE_CONTEXT: only images of the last user message route to VISION")
    func stripImageContext() {
        var config = testConfig
        config.stripImageContext = true
        let router = ModelRouter(config: config)
        let old = MessagesRequest(model: "claude-sonnet-4-5", messages: [user(pngImage()), assistant(text("a cat")), user(text("thanks"))])
        #expect(router.route(old) == "middle/model")
        let last = MessagesRequest(model: "claude-sonnet-4-5", messages: [user(text("hi")), assistant(text("hello")), user(pngImage())])
        #expect(router.route(last) == "vision/model")
    }

    @Test("2.1 router and translator agree on whether an image is sent (role: system between user turns)")
    func routerAgreesWithTranslator() throws {
        for strip in [false, true] {
            var config = testConfig
            config.stripImageContext = strip
            let shapes: [[Message]] = [
                [user(pngImage()), system(text("env")), user(text("now"))],
                [user(text("a")), system(text("env")), user(pngImage())],
                [user(pngImage()), assistant(text("x")), user(text("b")), system(text("env")), user(text("c"))],
                [system(pngImage(), text("env")), user(text("a"))],
                [user(text("a")), assistant(toolUse("t", "Shot")), user(toolResult("t", [pngImage()])), system(text("e")), user(text("b"))],
            ]
            for messages in shapes {
                let request = MessagesRequest(model: "claude-sonnet-4-5", messages: messages, maxTokens: 10)
                let model = ModelRouter(config: config).route(request)
                let chat = try RequestTranslator(config: config).translate(request, upstreamModel: model).chat
                let sendsImage = chat.messages.contains { m in
                    m.parts?.contains { if case .imageURL = $0 { return true } else { return false } } ?? false
                }
                #expect((model == "vision/model") == sendsImage, "strip=\(strip) \(messages.map(\.role))")
            }
        }
    }
}
