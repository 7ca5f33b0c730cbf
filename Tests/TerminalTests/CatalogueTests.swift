import Foundation
import Synchronization
import Testing
import Upstream
@testable import Terminal

@Suite struct CatalogueTests {
    static let models = [
        CatalogueModel(id: "zai-org/GLM-5.2", contextLength: 432_000, acceptsImages: false,
                       price: .init(inputPerMillion: 1.4, outputPerMillion: 4.4)),
        CatalogueModel(id: "Qwen/Qwen2.5-VL-72B-Instruct", contextLength: 32_000, acceptsImages: true,
                       price: .init(inputPerMillion: 0.25, outputPerMillion: 0.75)),
        CatalogueModel(id: "Qwen/Qwen3.5-397B-A17B", contextLength: 262_144, acceptsImages: false),
        CatalogueModel(id: "openai/gpt-oss-120b", price: .init(inputPerMillion: 0.15, outputPerMillion: 0.6)),
    ]

    @Test func missingModelNamesAlternativesFromTheSameFamily() {
        let message = MissingModelHint.message(model: "zai-org/GLM-4.7-FP8", catalogue: Self.models, needsVision: false, limit: 2)
        #expect(message.hasPrefix("model zai-org/GLM-4.7-FP8 is not in the Nebius catalogue (retired?); try one of: zai-org/GLM-5.2, "))
    }

    @Test func missingVisionModelSuggestsVisionModels() {
        let message = MissingModelHint.message(model: "Qwen/Qwen2-VL-7B", catalogue: Self.models, needsVision: true)
        #expect(message.hasSuffix("try one of: Qwen/Qwen2.5-VL-72B-Instruct"))
    }

    @Test func missingModelWithoutCatalogue() {
        #expect(MissingModelHint.message(model: "x/y", catalogue: nil, needsVision: false)
            == "model x/y is not in the Nebius catalogue (retired?); `nebius-chat models` lists the ones available")
    }

    @Test func tableShowsRolesVisionContextAndPrices() throws {
        let roles = ModelsListing.roles(
            big: "zai-org/GLM-5.2", middle: "zai-org/GLM-5.2", small: "openai/gpt-oss-120b", vision: "Qwen/Qwen2.5-VL-72B-Instruct")
        let table = ModelsListing.table(Self.models, roles: roles)
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines.first?.hasPrefix("MODEL") == true)
        #expect(lines.first?.contains("ROLE") == true)
        let vl = try #require(lines.first { $0.hasPrefix("Qwen/Qwen2.5-VL-72B-Instruct") })
        #expect(vl.contains(" vision "))
        #expect(vl.contains(" yes "))
        #expect(vl.contains("32,000"))
        #expect(vl.hasSuffix("0.250    0.750"))
        let glm = try #require(lines.first { $0.hasPrefix("zai-org/GLM-5.2") })
        #expect(glm.contains(" big,middle "))
        let qwen = try #require(lines.first { $0.hasPrefix("Qwen/Qwen3.5") })
        #expect(qwen.hasSuffix("-        -"))
        #expect(qwen.contains(" no "))
        // No modality in the catalogue: not "no", which would be a guess.
        let oss = try #require(lines.first { $0.hasPrefix("openai/gpt-oss-120b") })
        #expect(oss.contains(" unknown "))
        #expect(oss.contains(" small "))
    }

    @Test func deprecatedModelsAreMarked() {
        let table = ModelsListing.table([CatalogueModel(id: "a/old", status: "deprecated"), CatalogueModel(id: "b/new", status: "active")])
        #expect(table.contains("a/old (deprecated)"))
        #expect(!table.contains("b/new (deprecated)"))
    }

    @Test func jsonForScripts() throws {
        let roles = ModelsListing.roles(big: "zai-org/GLM-5.2", middle: "zai-org/GLM-5.2", small: "x", vision: "Qwen/Qwen2.5-VL-72B-Instruct")
        let data = Data(ModelsListing.json(Self.models, roles: roles).utf8)
        let entries = try JSONDecoder().decode([ModelsListing.Entry].self, from: data)
        #expect(entries.map(\.id) == Self.models.map(\.id).sorted())
        let vl = try #require(entries.first { $0.id.contains("VL") })
        #expect(vl.vision == true)
        #expect(vl.roles == ["vision"])
        #expect(vl.contextLength == 32_000)
        #expect(abs((vl.inputUSDPerMillion ?? 0) - 0.25) < 1e-9)
        #expect(entries.first { $0.id == "zai-org/GLM-5.2" }?.roles == ["big", "middle"])
        let raw = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(raw.first?["input_usd_per_million_tokens"] != nil)
        // Unknown vision is null, not false.
        let oss = try #require(raw.first { $0["id"] as? String == "openai/gpt-oss-120b" })
        #expect(oss["vision"] is NSNull)
    }

    @Test func pricesAndAnswerBudgetComeFromTheCatalogue() async {
        let catalogue = ModelCatalogue.fixed(Self.models)
        #expect(catalogue.pricesIfFetched().keys.sorted() == ["Qwen/Qwen2.5-VL-72B-Instruct", "openai/gpt-oss-120b", "zai-org/GLM-5.2"])
        #expect(await catalogue.prices().count == 3)
        #expect(ModelCatalogue.chatMaxTokens(window: 32_000) == 8_000)
        #expect(ModelCatalogue.chatMaxTokens(window: 432_000) == 16_384)
        #expect(ModelCatalogue.chatMaxTokens(window: 512) == 256)
        #expect(catalogue.chatMaxTokens(for: "Qwen/Qwen2.5-VL-72B-Instruct") == 8_000)
        #expect(catalogue.chatMaxTokens(for: "openai/gpt-oss-120b") == nil, "no context length known")
        #expect(catalogue.chatMaxTokens(for: "not/listed") == nil)
    }

    @Test func aCatalogueThatCannotBeFetchedGivesNothingAndDoesNotWaitLong() async {
        struct Down: Error {}
        let catalogue = ModelCatalogue(baseURL: "http://x", cacheFile: nil, logger: .init(label: "test")) {
            () async throws(UpstreamFailure) -> [CatalogueModel] in
            throw UpstreamFailure(.init(.api, "down"))
        }
        let start = ContinuousClock.now
        #expect(await catalogue.prices().isEmpty)
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(catalogue.chatMaxTokens(for: "zai-org/GLM-5.2") == nil)
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
