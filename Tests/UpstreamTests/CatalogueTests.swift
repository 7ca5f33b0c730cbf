import ClaudeAPI
import Foundation
import Logging
import OpenAIAPI
import ScriptedUpstream
import Synchronization
import Testing
import Translation
@testable import Upstream

/// The live catalogue (disk cache, offline use, background refresh, never in the way of a
/// request) and how the roles are resolved against it.
@Suite struct UpstreamCatalogueTests {
    static let logger = Logger(label: "catalogue-tests") { _ in SwiftLogNoOpLogHandler() }

    static let models = [
        CatalogueModel(id: "zai-org/GLM-5.2", contextLength: 432_000, acceptsImages: false,
                       price: .init(inputPerMillion: 1.4, outputPerMillion: 4.4), status: "active", created: 1),
        CatalogueModel(id: "openai/gpt-oss-120b", contextLength: 131_072, acceptsImages: false,
                       price: .init(inputPerMillion: 0.15, outputPerMillion: 0.6), status: "active", created: 2),
        CatalogueModel(id: "Qwen/Qwen2.5-VL-72B-Instruct", contextLength: 131_072, acceptsImages: true),
    ]

    /// A fresh temporary cache file path (the folder does not exist yet).
    static func cacheFile() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("catalogue-tests-\(UUID().uuidString)/nebius-chat/catalogue.json").path
    }

    /// Removes the folder `cacheFile()` made for `path`.
    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().deletingLastPathComponent().path)
    }

    /// Counts fetches and answers with `answer` (a failure when `nil`).
    final class Source: Sendable {
        let fetches = Mutex(0)
        let answer: Mutex<[CatalogueModel]?>
        init(_ answer: [CatalogueModel]?) { self.answer = Mutex(answer) }

        var fetch: ModelCatalogue.Fetch {
            { () throws(UpstreamFailure) -> [CatalogueModel] in
                self.fetches.withLock { $0 += 1 }
                guard let models = self.answer.withLock({ $0 }) else {
                    throw UpstreamFailure(APIError(.api, "unreachable"), status: 502)
                }
                return models
            }
        }
        var count: Int { fetches.withLock { $0 } }
    }

    static func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<250 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    // MARK: Disk cache

    @Test func diskCacheRoundTrip() async throws {
        let path = Self.cacheFile()
        defer { Self.remove(path) }
        let first = ModelCatalogue(baseURL: "http://a/v1", cacheFile: path, logger: Self.logger, fetch: Source(Self.models).fetch)
        #expect(first.current == nil)
        let fetched = try await first.refreshed()
        #expect(fetched.models == Self.models)
        #expect(!fetched.fromCache)
        #expect(FileManager.default.fileExists(atPath: path))

        // The next run starts from the file, without asking.
        let source = Source(nil)
        let second = ModelCatalogue(baseURL: "http://a/v1", cacheFile: path, logger: Self.logger, fetch: source.fetch)
        #expect(second.current == Self.models)
        #expect(second.model("Qwen/Qwen2.5-VL-72B-Instruct")?.acceptsImages == true)
        #expect(second.model("zai-org/GLM-5.2")?.price?.cost(input: 1_000_000, output: 0) == 1.4)
        #expect(!second.isStale)
        #expect(await second.models(waitingAtMost: .seconds(1)) == Self.models)
        #expect(source.count == 0, "a fresh cache is not fetched again")

        // Another upstream's cache is not used.
        let other = ModelCatalogue(baseURL: "http://b/v1", cacheFile: path, logger: Self.logger, fetch: Source(nil).fetch)
        #expect(other.current == nil)
    }

    @Test func offlineFromTheCache() async throws {
        let path = Self.cacheFile()
        defer { Self.remove(path) }
        _ = try await ModelCatalogue(baseURL: "u", cacheFile: path, logger: Self.logger, now: { 0 }, fetch: Source(Self.models).fetch)
            .refreshed()
        // Two days later, the upstream cannot be reached: the stale cache still serves.
        let offline = ModelCatalogue(baseURL: "u", cacheFile: path, logger: Self.logger, now: { 2 * 86_400 }, fetch: Source(nil).fetch)
        #expect(offline.isStale)
        #expect(await offline.models(waitingAtMost: .milliseconds(200)) == Self.models)
        let refreshed = try await offline.refreshed()
        #expect(refreshed.fromCache)
        #expect(refreshed.models == Self.models)
        // With no cache at all, the failure is the caller's to report.
        let nowhere = Self.cacheFile()
        defer { Self.remove(nowhere) }
        let nothing = ModelCatalogue(baseURL: "u", cacheFile: nowhere, logger: Self.logger, fetch: Source(nil).fetch)
        await #expect(throws: UpstreamFailure.self) { _ = try await nothing.refreshed() }
        #expect(await nothing.models(waitingAtMost: .milliseconds(100)) == nil)
    }

    @Test func staleCacheIsRefreshedInTheBackground() async throws {
        let path = Self.cacheFile()
        defer { Self.remove(path) }
        _ = try await ModelCatalogue(baseURL: "u", cacheFile: path, logger: Self.logger, now: { 0 }, fetch: Source(Self.models).fetch)
            .refreshed()
        let newer = [CatalogueModel(id: "moonshotai/Kimi-K3", contextLength: 1_000_000, acceptsImages: true)] + Self.models
        let source = Source(newer)
        let catalogue = ModelCatalogue(baseURL: "u", cacheFile: path, logger: Self.logger, now: { 2 * 86_400 }, fetch: source.fetch)
        let generation = catalogue.generation
        // The stale list is answered at once; the refresh runs behind it.
        #expect(await catalogue.models(waitingAtMost: .seconds(5)) == Self.models)
        #expect(await Self.eventually { catalogue.current == newer })
        #expect(catalogue.generation > generation)
        #expect(source.count == 1)
        // The refreshed list reached the disk too.
        #expect(await Self.eventually {
            let reread = ModelCatalogue(baseURL: "u", cacheFile: path, logger: Self.logger, now: { 2 * 86_400 }, fetch: Source(nil).fetch)
            return reread.current == newer && !reread.isStale
        })
    }

    // MARK: In the request path

    @Test func unreachableCatalogueNeverFailsARequest() async throws {
        let configured = TranslationConfig(middleModel: "custom/my-model")
        try await UpstreamHarness.with(
            upstreamConfiguration: .init(rejectUnknownModels: false), translation: configured,
            catalogue: FallbackTests.liveCatalogue
        ) { h in
            h.upstream.setModelsFailure(.close)
            let message = try await h.service.complete(claudeRequest("hi"))
            #expect(message.model == "claude-sonnet-4-5")
            #expect(h.upstream.chatRequests.map(\.model) == ["custom/my-model"], "no catalogue: the configured name as it is")
            #expect(h.service.resolved().replacements.isEmpty)
            #expect(await h.upstream.waitUntil { $0.contains { $0.behavior == "models_close" } })

            try? await Task.sleep(for: .milliseconds(100))
            h.upstream.setModelsFailure(.http(HTTPErrorSpec(status: 503)))
            _ = try await h.service.complete(claudeRequest("again"))
            #expect(await h.upstream.waitUntil { $0.contains { $0.behavior == "models_error" } })

            // A catalogue that does not answer at all does not hold the request either.
            try? await Task.sleep(for: .milliseconds(100))
            h.upstream.setModelsFailure(.stall(seconds: nil))
            let (_, seconds) = try await elapsed { try await h.service.complete(claudeRequest("and again")) }
            #expect(seconds < 3)
            #expect(h.upstream.chatRequests.map(\.model) == Array(repeating: "custom/my-model", count: 3))
            #expect(h.service.catalogue?.current == nil)
        }
    }

    @Test func retiredDefaultIsReplacedOnceTheCatalogueIsKnown() async throws {
        let configured = TranslationConfig(bigModel: "zai-org/GLM-4.7-FP8")
        try await UpstreamHarness.with(translation: configured, catalogue: FallbackTests.liveCatalogue) { h in
            _ = await h.service.catalogue?.models(waitingAtMost: .seconds(5))
            let resolved = h.service.resolved()
            #expect(resolved.replacements == [
                ModelReplacement(role: "BIG_MODEL", configured: "zai-org/GLM-4.7-FP8", replacement: "zai-org/GLM-5.2"),
            ])
            _ = try await h.service.complete(claudeRequest("hi", model: "claude-opus-4-1"))
            #expect(h.upstream.chatRequests.map(\.model) == ["zai-org/GLM-5.2"])
        }
    }

    @Test func windowComesFromTheCatalogue() async throws {
        try await UpstreamHarness.with(catalogue: FallbackTests.liveCatalogue) { h in
            h.upstream.setCatalogue(ScriptedCatalogue.default.map { model in
                var model = model
                if model.id == TranslationConfig.defaultMiddleModel { model.contextLength = 8192 }
                return model
            })
            _ = await h.service.catalogue?.models(waitingAtMost: .seconds(5))
            var request = claudeRequest(String(repeating: "word ", count: 4000))  // about 5000 tokens
            request.maxTokens = 8000
            _ = try await h.service.complete(request)
            let sent = try #require(h.upstream.chatRequests.first?.maxTokens)
            #expect(sent <= 8192 - 5000, "max_tokens lowered to fit the 8192 window with the prompt: \(sent)")
            #expect(sent > 1000)
        }
    }

    // MARK: Resolution

    static let catalogue = ScriptedCatalogue.default.map { wire in
        CatalogueModel(id: wire.id, contextLength: wire.contextLength, acceptsImages: wire.acceptsImages, status: wire.status)
    }

    @Test func replacementOrderIsFallbacksThenPreferences() {
        let old = TranslationConfig(
            bigModel: "zai-org/GLM-4.7-FP8", middleModel: "Qwen/Qwen3-Coder-480B-A35B-Instruct",
            smallModel: "openai/gpt-oss-120b", visionModel: "Qwen/Qwen2-VL-7B")
        // FALLBACK_MODEL first: its first entry the catalogue lists.
        let withFallbacks = ModelResolution(
            config: old, fallbacks: ["retired/one", "deepseek-ai/DeepSeek-V4-Pro", "openai/gpt-oss-20b"], catalogue: Self.catalogue)
        #expect(withFallbacks.config.bigModel == "deepseek-ai/DeepSeek-V4-Pro")
        #expect(withFallbacks.config.middleModel == "deepseek-ai/DeepSeek-V4-Pro")
        #expect(withFallbacks.config.smallModel == "openai/gpt-oss-120b", "a listed model is kept")
        // A vision role skips fallbacks that take no images.
        #expect(withFallbacks.config.visionModel == ModelPreferences.vision.first)
        #expect(withFallbacks.replacements.map(\.role) == ["BIG_MODEL", "MIDDLE_MODEL", "VISION_MODEL"])

        // No FALLBACK_MODEL: the role's preferences, in order.
        let plain = ModelResolution(config: old, catalogue: Self.catalogue)
        #expect(plain.config.bigModel == ModelPreferences.big.first)
        #expect(plain.config.middleModel == ModelPreferences.middle.first)
        let withoutGLM = ModelResolution(config: old, catalogue: Self.catalogue.filter { $0.id != "zai-org/GLM-5.2" })
        #expect(withoutGLM.config.bigModel == "moonshotai/Kimi-K2.7-Code")

        // A deprecated preference is passed over.
        var deprecated = Self.catalogue
        if let i = deprecated.firstIndex(where: { $0.id == "zai-org/GLM-5.2" }) { deprecated[i].status = "deprecated" }
        #expect(ModelResolution(config: old, catalogue: deprecated).config.bigModel == "moonshotai/Kimi-K2.7-Code")

        // No catalogue (or an empty one): the configured names as they are.
        #expect(ModelResolution(config: old, fallbacks: ["openai/gpt-oss-20b"], catalogue: nil).config == old)
        #expect(ModelResolution(config: old, catalogue: []).replacements.isEmpty)
        // Today's defaults are all listed.
        #expect(ModelResolution(config: TranslationConfig(), catalogue: Self.catalogue).replacements.isEmpty)
    }

    @Test func noneOfThePreferencesListed() {
        let unknown = [
            CatalogueModel(id: "new/cheap", contextLength: 32_000, acceptsImages: false, price: .init(inputPerMillion: 0.01, outputPerMillion: 0.02)),
            CatalogueModel(id: "new/huge", contextLength: 2_000_000, acceptsImages: false, price: .init(inputPerMillion: 3, outputPerMillion: 9)),
            CatalogueModel(id: "new/eyes", contextLength: 64_000, acceptsImages: true),
        ]
        let resolved = ModelResolution(config: TranslationConfig(), catalogue: unknown)
        #expect(resolved.config.bigModel == "new/huge")
        #expect(resolved.config.smallModel == "new/cheap")
        #expect(resolved.config.visionModel == "new/eyes")
    }

    @Test func noticeText() {
        let replacement = ModelReplacement(role: "BIG_MODEL", configured: "zai-org/GLM-4.7-FP8", replacement: "zai-org/GLM-5.2")
        #expect(replacement.notice == "BIG_MODEL zai-org/GLM-4.7-FP8 is not in the Nebius catalogue; using zai-org/GLM-5.2")
        let resolved = ModelResolution(
            config: TranslationConfig(smallModel: "openai/gpt-oss-7b"), fallbacks: ["openai/gpt-oss-20b"], catalogue: Self.catalogue)
        #expect(resolved.replacements.map(\.notice) == [
            "SMALL_MODEL openai/gpt-oss-7b is not in the Nebius catalogue; using openai/gpt-oss-20b",
        ])
    }

    @Test func wireEntriesBecomeCatalogueModels() {
        let glm = ScriptedCatalogue.default.first { $0.id == "zai-org/GLM-5.2" }.map { CatalogueModel($0) }
        #expect(glm?.contextLength == 432_000)
        #expect(glm?.acceptsImages == false)
        #expect(glm?.price.map { ($0.inputPerMillion * 10).rounded() / 10 } == 1.4)
        #expect(glm?.status == "active")
        let kimi = ScriptedCatalogue.default.first { $0.id == "moonshotai/Kimi-K2.7-Code" }.map { CatalogueModel($0) }
        #expect(kimi?.acceptsImages == true)
        #expect(kimi?.price == nil, "no published price: unknown, not free")
    }
}
