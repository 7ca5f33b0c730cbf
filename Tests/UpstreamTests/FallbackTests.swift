import ClaudeAPI
import Foundation
import Logging
import OpenAIAPI
import ScriptedUpstream
import Testing
import Translation
@testable import Upstream

/// `FALLBACK_MODEL` (PROTOCOL 8.5): on a 404, a 5xx after the retries or a connect failure,
/// before the first byte only; each model once; the client sees the model name it asked for.
@Suite struct FallbackTests {
    static let middle = TranslationConfig.defaultMiddleModel
    static let vision = TranslationConfig.defaultVisionModel

    /// The default catalogue without `ids`: what Nebius serves once they are retired.
    static func catalogue(without ids: String...) -> [UpstreamModel] {
        ScriptedCatalogue.default.filter { !ids.contains($0.id) }
    }

    /// A live catalogue read from the scripted upstream (primed before the test body runs).
    static let liveCatalogue: @Sendable (UpstreamClient, Logger) -> ModelCatalogue = { client, logger in
        ModelCatalogue(baseURL: client.config.baseURL, cacheFile: nil, logger: logger) { () throws(UpstreamFailure) -> [CatalogueModel] in
            try await client.catalogue()
        }
    }

    struct Outcome {
        var events: [StreamEvent]
        var route: UpstreamRoute?
    }

    static func run(_ h: UpstreamHarness, _ request: MessagesRequest) async throws -> Outcome {
        let stream = try await h.service.stream(request)
        let route = stream.route
        var events: [StreamEvent] = []
        for await event in stream { events.append(event) }
        return Outcome(events: events, route: route)
    }

    static func text(_ events: [StreamEvent]) -> String {
        events.compactMap { event -> String? in
            if case .contentBlockDelta(_, .text(let s)) = event { return s }
            return nil
        }.joined()
    }

    static func startModel(_ events: [StreamEvent]) -> String? {
        if case .messageStart(let message)? = events.first { return message.model }
        return nil
    }

    @Test func retiredModelGets404AndTheNextModelAnswers() async throws {
        try await UpstreamHarness.with(maxRetries: 2, fallbacks: ["openai/gpt-oss-120b"]) { h in
            // The catalogue the service knows still lists the middle model; the upstream no longer does.
            h.upstream.setCatalogue(Self.catalogue(without: Self.middle))
            h.upstream.enqueue(.text("answered by the fallback"))
            let outcome = try await Self.run(h, claudeRequest("hi", model: "claude-sonnet-4-5"))
            #expect(h.upstream.chatRequests.map(\.model) == [Self.middle, "openai/gpt-oss-120b"], "a 404 is not retried")
            #expect(h.upstream.chatRecords.first?.behavior == "model_not_found")
            #expect(Self.text(outcome.events) == "answered by the fallback")
            #expect(Self.startModel(outcome.events) == "claude-sonnet-4-5")
            #expect(outcome.route == UpstreamRoute(model: "openai/gpt-oss-120b", failed: [Self.middle]))
            #expect(outcome.route?.description == "openai/gpt-oss-120b (fallback from \(Self.middle))")
        }
    }

    @Test func overloadedAfterTheRetriesGoesToTheNextModel() async throws {
        try await UpstreamHarness.with(maxRetries: 1, maxRetryDelay: 0.05, fallbacks: ["zai-org/GLM-5.2", "openai/gpt-oss-120b"]) { h in
            h.upstream.enqueue(.error(503), .error(503), .text("ok from GLM"))
            let outcome = try await Self.run(h, claudeRequest("hi"))
            #expect(h.upstream.chatRequests.map(\.model) == [Self.middle, Self.middle, "zai-org/GLM-5.2"])
            #expect(Self.text(outcome.events) == "ok from GLM")
            #expect(outcome.route?.failed == [Self.middle])
            #expect(Self.startModel(outcome.events) == "claude-sonnet-4-5")
        }
    }

    @Test func everyModelFailingIsOneFailureAndNoLoop() async throws {
        try await UpstreamHarness.with(
            maxRetries: 0, fallbacks: ["openai/gpt-oss-120b", Self.middle, "zai-org/GLM-5.2"], catalogue: Self.liveCatalogue
        ) { h in
            _ = await h.service.catalogue?.models(waitingAtMost: .seconds(5))
            h.upstream.enqueue(contentsOf: Array(repeating: .error(502), count: 20))
            do {
                _ = try await h.service.stream(claudeRequest("hi"))
                Issue.record("expected a failure")
            } catch let failure as UpstreamFailure {
                let tried = h.upstream.chatRequests.map(\.model)
                #expect(tried.count == Set(tried).count, "each model once: \(tried)")
                #expect(Array(tried.prefix(3)) == [Self.middle, "openai/gpt-oss-120b", "zai-org/GLM-5.2"])
                #expect(failure.models == tried)
                #expect(failure.upstreamStatus == 502)
            }
            #expect(h.upstream.queuedCount == 20 - h.upstream.chatRequests.count)
        }
    }

    @Test func unreachableUpstreamTriesEachModelOnce() async throws {
        let port = try UpstreamHarness.closedPort()
        try await UpstreamHarness.with(
            maxRetries: 0, baseURL: "http://127.0.0.1:\(port)/v1", fallbacks: ["openai/gpt-oss-120b"]
        ) { h in
            do {
                _ = try await h.service.stream(claudeRequest("hi"))
                Issue.record("expected a failure")
            } catch let failure as UpstreamFailure {
                #expect(failure.models == [Self.middle, "openai/gpt-oss-120b"])
                #expect(failure.upstreamStatus == nil)
            }
        }
    }

    @Test func clientErrorsDoNotFallBack() async throws {
        try await UpstreamHarness.with(maxRetries: 0, fallbacks: ["openai/gpt-oss-120b"]) { h in
            for status in [400, 401, 429] {
                h.upstream.reset()
                h.upstream.enqueue(.error(status), .text("not this"))
                await #expect(throws: UpstreamFailure.self) { _ = try await h.service.stream(claudeRequest("hi")) }
                #expect(h.upstream.chatRequests.count == 1, "HTTP \(status)")
            }
            // An overflow is the request's own fault too: no other model is asked.
            h.upstream.reset()
            h.upstream.enqueue(.overflow(OverflowSpec(style: .vllm, window: 1000, prompt: 1200, completion: 10)), .text("not this"))
            do {
                _ = try await h.service.stream(claudeRequest("hi"))
                Issue.record("expected a failure")
            } catch let failure as UpstreamFailure {
                #expect(failure.error.message == "prompt is too long: 1200 tokens > 1000 maximum")
            }
            #expect(h.upstream.chatRequests.count == 1)
        }
    }

    @Test func noFallbackAfterTheFirstByte() async throws {
        try await UpstreamHarness.with(maxRetries: 2, fallbacks: ["openai/gpt-oss-120b"]) { h in
            h.upstream.enqueue(.respond(.text("a b c d e", chunks: 5), Shape(delay: 0.05, fault: .reset(after: 3))), .text("not this"))
            let broken = try await Self.run(h, claudeRequest("hi"))
            if case .error(let error)? = broken.events.last {
                #expect(error.type == .api)
            } else {
                Issue.record("expected an error event, got \(broken.events.last.map(String.init(describing:)) ?? "nothing")")
            }
            #expect("a b".hasPrefix(Self.text(broken.events)))
            #expect(h.upstream.chatRequests.map(\.model) == [Self.middle])

            h.upstream.reset()
            h.upstream.enqueue(
                .respond(.text("x y z"), Shape(delay: 0.05, fault: .errorFrame(after: 2, message: "engine died", type: "internal_server_error", code: 503))),
                .text("not this"))
            let framed = try await Self.run(h, claudeRequest("hi"))
            #expect(framed.events.last.map { if case .error = $0 { true } else { false } } == true)
            #expect(h.upstream.chatRequests.count == 1)
            #expect(framed.route?.failed == [])
        }
    }

    @Test func visionRequestsOnlyFallBackToImageModels() async throws {
        try await UpstreamHarness.with(
            maxRetries: 0, fallbacks: ["openai/gpt-oss-120b", "zai-org/GLM-5.2", "google/gemma-3-27b-it"],
            catalogue: Self.liveCatalogue
        ) { h in
            _ = await h.service.catalogue?.models(waitingAtMost: .seconds(5))
            h.upstream.enqueue(.error(503), .respond(.imageCount))
            let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
            let request = MessagesRequest(
                model: "claude-sonnet-4-5",
                messages: [Message(role: .user, content: [
                    .image(ImageBlock(source: .base64(mediaType: "image/png", data: png))), .text(TextBlock(text: "what is it?")),
                ])],
                maxTokens: 100, stream: true)
            let outcome = try await Self.run(h, request)
            #expect(h.upstream.chatRequests.map(\.model) == [Self.vision, "google/gemma-3-27b-it"])
            #expect(Self.text(outcome.events) == "I received 1 image.")

            // Every image model failing: only image models were asked.
            h.upstream.reset()
            h.upstream.enqueue(contentsOf: Array(repeating: .error(503), count: 10))
            await #expect(throws: UpstreamFailure.self) { _ = try await Self.run(h, request) }
            let tried = h.upstream.chatRequests.map(\.model)
            let imageModels = Set(ScriptedCatalogue.default.filter(\.acceptsImages).map(\.id))
            #expect(!tried.isEmpty && tried.allSatisfy(imageModels.contains), "\(tried)")
            #expect(tried.count == Set(tried).count)
        }
    }

    @Test func planOrderAndDeduplication() {
        let config = TranslationConfig()
        let catalogue = ScriptedCatalogue.default.map { wire in
            CatalogueModel(id: wire.id, contextLength: wire.contextLength, acceptsImages: wire.acceptsImages)
        }
        let roles = ModelResolution(config: config, catalogue: catalogue)
        let plan = FallbackPlan(
            request: claudeRequest("hi", model: "claude-opus-4-1"), roles: roles,
            fallbacks: ["openai/gpt-oss-120b", config.bigModel, "openai/gpt-oss-120b"], catalogue: catalogue)
        #expect(plan.models.first == config.bigModel)
        #expect(plan.models.dropFirst().first == "openai/gpt-oss-120b")
        #expect(plan.models.count == Set(plan.models).count)
        // Without a catalogue: the fallbacks only, in order.
        let bare = FallbackPlan(
            request: claudeRequest("hi", model: "claude-opus-4-1"), roles: ModelResolution(config: config, catalogue: nil),
            fallbacks: ["a/one", "b/two"], catalogue: nil)
        #expect(bare.models == [config.bigModel, "a/one", "b/two"])
    }
}
