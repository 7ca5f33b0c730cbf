import ClaudeAPI
import OpenAIAPI
import Testing
@testable import Translation

/// `max_tokens` lowered so that the estimated prompt plus the answer fits the window (PROTOCOL 8.2).
@Suite("Window fit (PROTOCOL 8.2)")
struct WindowFitTests {
    func request(maxTokens: Int?, prompt: String = "hi") -> MessagesRequest {
        MessagesRequest(model: "claude-opus-4-5", messages: [user(text(prompt))], maxTokens: maxTokens)
    }

    func translated(
        _ request: MessagesRequest, window: Int?, estimate: Int? = nil, config: TranslationConfig = testConfig
    ) throws -> TranslatedRequest {
        try RequestTranslator(config: config).translate(request, upstreamModel: "zai-org/GLM-5.2", contextWindow: window, estimatedInputTokens: estimate)
    }

    @Test("8.2 the margin is 2% of the window, at least 256 tokens")
    func margin() {
        #expect(RequestTranslator.windowMargin(4096) == 256)
        #expect(RequestTranslator.windowMargin(12_800) == 256)
        #expect(RequestTranslator.windowMargin(131_072) == 2621)
        #expect(RequestTranslator.windowMargin(1_048_576) == 20_971)
    }

    @Test("8.2 prompt + max_tokens over the window: max_tokens lowered to the room left after the margin")
    func lowered() {
        // 131,072 - 120,000 - 2,621 = 8,451.
        #expect(RequestTranslator.fittedMaxTokens(32_000, estimatedInput: 120_000, window: 131_072, floor: 1) == 8451)
        // 4,096 - 3,000 - 256 = 840.
        #expect(RequestTranslator.fittedMaxTokens(2_000, estimatedInput: 3_000, window: 4_096, floor: 1) == 840)
        // Exactly fitting is left alone; one more is lowered by one.
        #expect(RequestTranslator.fittedMaxTokens(840, estimatedInput: 3_000, window: 4_096, floor: 1) == 840)
        #expect(RequestTranslator.fittedMaxTokens(841, estimatedInput: 3_000, window: 4_096, floor: 1) == 840)
    }

    @Test("8.2 never below the floor (MIN_TOKENS_LIMIT), never below 1, even when the prompt alone overflows")
    func floor() {
        #expect(RequestTranslator.fittedMaxTokens(32_000, estimatedInput: 200_000, window: 131_072, floor: 1) == 1)
        #expect(RequestTranslator.fittedMaxTokens(32_000, estimatedInput: 200_000, window: 131_072, floor: 0) == 1)
        #expect(RequestTranslator.fittedMaxTokens(32_000, estimatedInput: 200_000, window: 131_072, floor: -5) == 1)
        #expect(RequestTranslator.fittedMaxTokens(32_000, estimatedInput: 200_000, window: 131_072, floor: 1024) == 1024)
        #expect(RequestTranslator.fittedMaxTokens(32_000, estimatedInput: 130_000, window: 131_072, floor: 4096) == 4096)
    }

    @Test("8.2 never raised: the result is at most max_tokens and at least min(max_tokens, floor); it fits when above the floor",
          arguments: 0..<4)
    func neverRaised(batch: Int) {
        var rng = SeededGenerator(seed: UInt64(8200 + batch))
        for _ in 0..<2000 {
            let window = rng.int(1...2_000_000)
            let maxTokens = rng.int(1...200_000)
            let estimate = rng.int(0...2_500_000)
            let floor = rng.int(-2...4096)
            let fitted = RequestTranslator.fittedMaxTokens(maxTokens, estimatedInput: estimate, window: window, floor: floor)
            let context = "max \(maxTokens) estimate \(estimate) window \(window) floor \(floor)"
            #expect(fitted <= maxTokens, "\(context)")
            #expect(fitted >= min(maxTokens, max(1, floor)), "\(context)")
            if fitted < maxTokens && fitted > max(1, floor) {
                #expect(estimate + fitted + RequestTranslator.windowMargin(window) == window, "\(context)")
            }
            if estimate + maxTokens + RequestTranslator.windowMargin(window) <= window {
                #expect(fitted == maxTokens, "\(context)")
            }
        }
    }

    @Test("8.2 translate with a window: max_tokens lowered, on the wire too, with a translation note")
    func translateLowers() throws {
        let t = try translated(request(maxTokens: 32_000), window: 131_072, estimate: 120_000)
        #expect(t.chat.maxTokens == 8451)
        #expect(t.chat.jsonBytes().containsText(#""max_tokens":8451"#))
        #expect(t.notes == ["max_tokens lowered from 32000 to 8451 to fit the context window of 131072 tokens (estimated input 120000)"])
    }

    @Test("8.2 no window, a zero window or room to spare: max_tokens unchanged and no note")
    func unchanged() throws {
        for window in [nil, 0, -1] as [Int?] {
            let t = try translated(request(maxTokens: 32_000), window: window, estimate: 200_000)
            #expect(t.chat.maxTokens == 32_000)
            #expect(t.notes.isEmpty)
        }
        let roomy = try translated(request(maxTokens: 32_000), window: 262_144, estimate: 120_000)
        #expect(roomy.chat.maxTokens == 32_000)
        #expect(roomy.notes.isEmpty)
    }

    @Test("8.2 small client values stay as they are (the max_tokens: 1 probe), and are never raised by the fit")
    func smallValues() throws {
        let probe = try translated(request(maxTokens: 1), window: 4096, estimate: 5000)
        #expect(probe.chat.maxTokens == 1)
        #expect(probe.notes.isEmpty)
        let small = try translated(request(maxTokens: 300), window: 4096, estimate: 3000)
        #expect(small.chat.maxTokens == 300)
    }

    @Test("8.2 the floor is the configured MIN_TOKENS_LIMIT")
    func configuredFloor() throws {
        var config = testConfig
        config.minTokens = 2048
        let t = try translated(request(maxTokens: 32_000), window: 131_072, estimate: 140_000, config: config)
        #expect(t.chat.maxTokens == 2048)
        #expect(t.notes.count == 1)
    }

    @Test("8.2 without a given estimate the translator estimates the request itself")
    func estimatesItself() throws {
        let r = request(maxTokens: 8000, prompt: String(repeating: "word ", count: 4000))
        let estimate = TokenEstimator.estimate(r)
        #expect(estimate > 4000)
        let t = try translated(r, window: 8192)
        #expect(t.chat.maxTokens == RequestTranslator.fittedMaxTokens(8000, estimatedInput: estimate, window: 8192, floor: 1))
        #expect(t.chat.maxTokens ?? 0 < 8000)
    }

    @Test("8.2 a request without max_tokens gets the default, then the fit")
    func defaultThenFit() throws {
        let t = try translated(request(maxTokens: nil), window: 8192, estimate: 4000)
        // min(8192 default, 32768 ceiling) = 8192, lowered to 8192 - 4000 - 256 = 3936.
        #expect(t.chat.maxTokens == 3936)
    }
}

extension Array where Element == UInt8 {
    /// Whether the bytes hold `text` as UTF-8 (test helper).
    func containsText(_ text: String) -> Bool {
        String(decoding: self, as: UTF8.self).contains(text)
    }
}
