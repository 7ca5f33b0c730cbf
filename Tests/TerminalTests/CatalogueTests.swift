import Foundation
import Synchronization
import OpenAIAPI
import Testing
@testable import Terminal

@Suite struct CatalogueTests {
    static let models = [
        UpstreamModel(id: "zai-org/GLM-4.7-FP8", contextLength: 202_752, modality: "text->text", pricing: .init(prompt: "0.0000004", completion: "0.000002")),
        UpstreamModel(id: "Qwen/Qwen2.5-VL-72B-Instruct", contextLength: 32_000, modality: "text+image->text", pricing: .init(prompt: "0.00000025", completion: "0.00000075")),
        UpstreamModel(id: "Qwen/Qwen3-Coder-480B-A35B-Instruct", contextLength: 262_144, modality: "text->text"),
        UpstreamModel(id: "openai/gpt-oss-20b", modality: "text->text", pricing: .init(prompt: "0.00000005", completion: "0.0000002")),
    ]

    @Test func missingModelNamesAlternativesFromTheSameFamily() {
        let message = MissingModelHint.message(model: "zai-org/GLM-4.5", catalogue: Self.models, needsVision: false, limit: 2)
        #expect(message.hasPrefix("model zai-org/GLM-4.5 is not in the Nebius catalogue (retired?); try one of: zai-org/GLM-4.7-FP8, "))
    }

    @Test func missingVisionModelSuggestsVisionModels() {
        let message = MissingModelHint.message(model: "Qwen/Qwen2-VL-7B", catalogue: Self.models, needsVision: true)
        #expect(message.hasSuffix("try one of: Qwen/Qwen2.5-VL-72B-Instruct"))
    }

    @Test func missingModelWithoutCatalogue() {
        #expect(MissingModelHint.message(model: "x/y", catalogue: nil, needsVision: false)
            == "model x/y is not in the Nebius catalogue (retired?); `nebius-chat models` lists the ones available")
    }

    @Test func tableShowsVisionContextAndPrices() {
        let table = ModelsListing.table(Self.models)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("MODEL"))
        let vl = try! #require(lines.first { $0.hasPrefix("Qwen/Qwen2.5-VL-72B-Instruct") })
        #expect(vl.contains(" yes "))
        #expect(vl.contains("32,000"))
        #expect(vl.hasSuffix("0.250    0.750"))
        let coder = try! #require(lines.first { $0.hasPrefix("Qwen/Qwen3-Coder") })
        #expect(coder.hasSuffix("-        -"))
    }

    @Test func jsonForScripts() throws {
        let data = Data(ModelsListing.json(Self.models).utf8)
        let entries = try JSONDecoder().decode([ModelsListing.Entry].self, from: data)
        #expect(entries.map(\.id) == Self.models.map(\.id).sorted())
        let vl = try #require(entries.first { $0.id.contains("VL") })
        #expect(vl.vision)
        #expect(vl.contextLength == 32_000)
        #expect(abs((vl.inputUSDPerMillion ?? 0) - 0.25) < 1e-9)
        let raw = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(raw.first?["input_usd_per_million_tokens"] != nil)
    }

    @Test func cacheFetchesOnceAndGivesPrices() async {
        let calls = Counter()
        let cache = CatalogueCache(source: ClosureCatalogueSource {
            calls.increment()
            return Self.models
        })
        #expect(await cache.models()?.count == 4)
        #expect(await cache.models()?.count == 4)
        #expect(calls.value == 1)
        let prices = await cache.prices()
        #expect(prices.keys.sorted() == ["Qwen/Qwen2.5-VL-72B-Instruct", "openai/gpt-oss-20b", "zai-org/GLM-4.7-FP8"])
    }

    @Test func defaultAnswerBudgetFitsTheContext() async {
        #expect(CatalogueCache.defaultMaxTokens(contextLength: 32_000) == 8_000)
        #expect(CatalogueCache.defaultMaxTokens(contextLength: 202_752) == 16_384)
        #expect(CatalogueCache.defaultMaxTokens(contextLength: 512) == 256)
        let cache = CatalogueCache(source: ClosureCatalogueSource { Self.models })
        #expect(await cache.defaultMaxTokens(for: "Qwen/Qwen2.5-VL-72B-Instruct") == nil, "nothing before the fetch")
        _ = await cache.models()
        #expect(await cache.defaultMaxTokens(for: "Qwen/Qwen2.5-VL-72B-Instruct") == 8_000)
        #expect(await cache.defaultMaxTokens(for: "openai/gpt-oss-20b") == nil, "no context length known")
    }

    @Test func cacheSurvivesAFailingSource() async {
        struct Down: Error {}
        let cache = CatalogueCache(source: ClosureCatalogueSource { throw Down() })
        #expect(await cache.models() == nil)
        #expect(await cache.prices().isEmpty)
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
