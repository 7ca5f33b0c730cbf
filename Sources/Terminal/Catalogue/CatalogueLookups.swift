import Upstream

/// What the terminal faces read from the live catalogue: prices for usage lines, a default
/// answer length for the routed model, ids for Tab completion.
extension ModelCatalogue {
    /// How long a terminal face waits for a catalogue it has never fetched (first run, no cache).
    public static let terminalWait = Duration.seconds(2)

    /// Prices by model id, waiting briefly for a first fetch (`/usage`).
    public func prices() async -> [String: CatalogueModel.Price] {
        Self.prices(of: await models(waitingAtMost: Self.terminalWait) ?? [])
    }

    /// Prices known now, without waiting (the line after each answer).
    public func pricesIfFetched() -> [String: CatalogueModel.Price] {
        Self.prices(of: current ?? [])
    }

    static func prices(of models: [CatalogueModel]) -> [String: CatalogueModel.Price] {
        var prices: [String: CatalogueModel.Price] = [:]
        for model in models {
            if let price = model.price { prices[model.id] = price }
        }
        return prices
    }

    /// A `max_tokens` for a chat turn that sets none: ``OutputBudget`` for the model's window, at
    /// most 16k (a chat answer rarely needs more, and a smaller budget leaves more of the window
    /// to the conversation). `nil` when the catalogue does not know the model's window.
    public func chatMaxTokens(for id: String) -> Int? {
        guard let window = model(id)?.contextLength, window > 0 else { return nil }
        return Self.chatMaxTokens(window: window)
    }

    public static func chatMaxTokens(window: Int) -> Int {
        OutputBudget.maxTokens(window: window, limit: 16_384)
    }
}
