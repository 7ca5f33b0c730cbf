import ClaudeAPI
import ScriptedUpstream
import Testing
import Translation
@testable import Upstream

@Suite("MessagesService token calibration")
struct CalibrationServiceTests {
    /// A request of a few paragraphs; `n` varies its length.
    func request(_ n: Int) -> MessagesRequest {
        let paragraph = "The lighthouse keeper logs the weather, the ships that pass and the oil burnt each night. "
        return claudeRequest("Entry \(n): " + String(repeating: paragraph, count: 6 + 5 * (n % 4)))
    }

    /// message_start's input tokens (the estimate) and message_delta's (the upstream's count).
    func counts(_ events: [StreamEvent]) -> (estimate: Int, upstream: Int)? {
        var estimate: Int?
        var upstream: Int?
        for event in events {
            if case .messageStart(let message) = event { estimate = message.usage.inputTokens }
            if case .messageDelta(_, _, let usage) = event { upstream = usage.inputTokens + usage.cacheReadInputTokens }
        }
        guard let estimate, let upstream else { return nil }
        return (estimate, upstream)
    }

    @Test func estimatesLearnTheUpstreamCountWithinFivePercentAfterFiveRequests() async throws {
        try await UpstreamHarness.with { h in
            // A tokenizer that counts 1.6 times what the scripted upstream counts by default.
            let shape = Shape(usage: .always, promptTokenScale: 1.6)
            var errors: [Double] = []
            for n in 0..<6 {
                h.upstream.enqueue(.respond(.text("noted"), shape))
                let (estimate, upstream) = try #require(counts(try await h.events(request(n))))
                errors.append(abs(Double(estimate) / Double(upstream) - 1))
            }
            #expect(errors[0] > 0.2, "the first estimate knows nothing yet: \(errors)")
            #expect(errors[5] < 0.05, "after five requests: \(errors)")
            // count_tokens is scaled the same way.
            let model = TranslationConfig().middleModel
            let next = request(7)
            h.upstream.enqueue(.respond(.text("noted"), shape))
            let (_, upstream) = try #require(counts(try await h.events(next)))
            let counted = try h.service.countTokens(next)
            #expect(abs(Double(counted) / Double(upstream) - 1) < 0.05)
            #expect(counted > TokenEstimator.estimate(next))
            #expect(h.service.calibration.calibration.ratio(model: model) != nil)
        }
    }

    @Test func anUpstreamWithoutUsageTeachesNothing() async throws {
        try await UpstreamHarness.with { h in
            for n in 0..<3 {
                h.upstream.enqueue(.respond(.text("noted"), Shape(usage: .never)))
                _ = try await h.events(request(n))
            }
            #expect(h.service.calibration.calibration.samples.isEmpty)
            #expect(try h.service.countTokens(request(1)) == TokenEstimator.estimate(request(1)))
        }
    }

    @Test func eachModelLearnsItsOwnRatio() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.text("a"), Shape(usage: .always, promptTokenScale: 2)))
            _ = try await h.events(request(1))
            var haiku = request(1)
            haiku.model = "claude-haiku-4-5"
            h.upstream.enqueue(.respond(.text("b"), Shape(usage: .always, promptTokenScale: 0.8)))
            _ = try await h.events(haiku)
            let calibration = h.service.calibration.calibration
            let config = TranslationConfig()
            let middle = try #require(calibration.ratio(model: config.middleModel))
            let small = try #require(calibration.ratio(model: config.smallModel))
            #expect(abs(middle / small - 2.5) < 0.01)
        }
    }
}
