import Upstream

/// The message for a model the upstream does not know (HTTP 404).
public enum MissingModelHint {
    /// `model X is not in the Nebius catalogue (retired?); try one of: a, b, c`.
    ///
    /// Suggests models from the same organisation first, then image-input models when the
    /// request held an image, then the rest; at most `limit`.
    public static func message(model: String, catalogue: [CatalogueModel]?, needsVision: Bool, limit: Int = 5) -> String {
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

    static func suggestions(for model: String, catalogue: [CatalogueModel], needsVision: Bool, limit: Int) -> [String] {
        let pool = needsVision ? catalogue.filter { $0.acceptsImages == true } : catalogue
        let usable = (pool.isEmpty ? catalogue : pool).filter { !$0.isDeprecated }
        let organisation = model.split(separator: "/").first.map { $0.lowercased() + "/" }
        let words = Set(model.lowercased().split(whereSeparator: { "/-_.".contains($0) }).filter { $0.count > 2 })
        func score(_ m: CatalogueModel) -> Int {
            let id = m.id.lowercased()
            var s = 0
            if let organisation, model.contains("/"), id.hasPrefix(organisation) { s += 10 }
            // Shared words of the name (GLM, Qwen3, Coder, ...).
            s += id.split(whereSeparator: { "/-_.".contains($0) }).filter { words.contains($0) }.count
            return s
        }
        let ranked = usable.isEmpty ? catalogue : usable
        return ranked.sorted { (score($0), $1.id) > (score($1), $0.id) }.prefix(limit).map(\.id)
    }
}
