import OpenAIAPI

/// Where the list of upstream models comes from (`GET /v1/models?verbose=true`).
public protocol ModelCatalogueSource: Sendable {
    func models() async throws -> [UpstreamModel]
}

/// A source that calls a closure, so the command layer can adapt any client.
public struct ClosureCatalogueSource: ModelCatalogueSource {
    let fetch: @Sendable () async throws -> [UpstreamModel]
    public init(_ fetch: @escaping @Sendable () async throws -> [UpstreamModel]) { self.fetch = fetch }
    public func models() async throws -> [UpstreamModel] { try await fetch() }
}

/// The catalogue fetched once and kept: model ids for Tab completion, prices for `/usage`,
/// and alternatives when a model is gone.
public actor CatalogueCache {
    private let source: any ModelCatalogueSource
    private var cached: [UpstreamModel]?
    private var inFlight: Task<[UpstreamModel], any Error>?

    public init(source: any ModelCatalogueSource) {
        self.source = source
    }

    /// The models, fetched on first use; `nil` if the catalogue cannot be had.
    public func models() async -> [UpstreamModel]? {
        if let cached { return cached }
        let task = inFlight ?? Task { [source] in try await source.models() }
        inFlight = task
        do {
            let models = try await task.value
            cached = models
            inFlight = nil
            return models
        } catch {
            inFlight = nil
            return nil
        }
    }

    /// Models already fetched, without waiting.
    public var modelsIfFetched: [UpstreamModel]? { cached }

    /// A `max_tokens` for a model when the user set none: a quarter of its context, at most
    /// 16k, so that prompt plus answer fit (the translator's default of MAX_TOKENS_LIMIT can
    /// exceed a small model's whole context). `nil` when the catalogue is not here yet.
    public func defaultMaxTokens(for id: String) -> Int? {
        guard let context = cached?.first(where: { $0.id == id })?.contextLength, context > 0 else { return nil }
        return Self.defaultMaxTokens(contextLength: context)
    }

    public static func defaultMaxTokens(contextLength: Int) -> Int {
        min(16_384, max(256, contextLength / 4))
    }

    /// Prices by model id, fetching the catalogue if needed.
    public func prices() async -> [String: ModelPrice] {
        Self.prices(of: await models() ?? [])
    }

    /// Prices from a catalogue already fetched, without waiting (the line after each answer).
    public func pricesIfFetched() -> [String: ModelPrice] {
        Self.prices(of: cached ?? [])
    }

    static func prices(of models: [UpstreamModel]) -> [String: ModelPrice] {
        var prices: [String: ModelPrice] = [:]
        for model in models {
            if let price = ModelPrice(model) { prices[model.id] = price }
        }
        return prices
    }
}

/// The message for a model the upstream does not know (HTTP 404).
public enum MissingModelHint {
    /// `model X is not in the Nebius catalogue (retired?); try one of: a, b, c`.
    ///
    /// Suggests models from the same organisation first, then vision models when the request
    /// held an image, then the rest; at most `limit`.
    public static func message(model: String, catalogue: [UpstreamModel]?, needsVision: Bool, limit: Int = 5) -> String {
        var text = "model \(model) is not in the Nebius catalogue (retired?)"
        guard let catalogue, !catalogue.isEmpty else {
            return text + "; `nebius-chat models` lists the ones available"
        }
        if catalogue.contains(where: { $0.id == model }) {
            return "model \(model) was not found upstream although the catalogue lists it; try again, or pick another with /model"
        }
        let candidates = suggestions(for: model, catalogue: catalogue, needsVision: needsVision, limit: limit)
        text += "; try one of: " + candidates.joined(separator: ", ")
        return text
    }

    static func suggestions(for model: String, catalogue: [UpstreamModel], needsVision: Bool, limit: Int) -> [String] {
        let pool = needsVision ? catalogue.filter(\.acceptsImages) : catalogue
        let usable = pool.isEmpty ? catalogue : pool
        let organisation = model.split(separator: "/").first.map { $0.lowercased() + "/" }
        let lowerModel = model.lowercased()
        func score(_ m: UpstreamModel) -> Int {
            let id = m.id.lowercased()
            var s = 0
            if let organisation, model.contains("/"), id.hasPrefix(organisation) { s += 10 }
            // Shared words of the name (GLM, Qwen3, Coder, ...).
            let words = Set(lowerModel.split(whereSeparator: { "/-_.".contains($0) }).filter { $0.count > 2 })
            s += id.split(whereSeparator: { "/-_.".contains($0) }).filter { words.contains($0) }.count
            return s
        }
        return usable.sorted { (score($0), $1.id) > (score($1), $0.id) }.prefix(limit).map(\.id)
    }
}
