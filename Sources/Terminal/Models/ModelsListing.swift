import Foundation
import OpenAIAPI

/// `nebius-chat models`: the catalogue as a table, or as JSON for scripts.
public enum ModelsListing {
    /// One row per model, sorted by id: id, vision, context, $ per million tokens in/out.
    public static func table(_ models: [UpstreamModel]) -> String {
        let header = ["MODEL", "VISION", "CONTEXT", "$/M IN", "$/M OUT"]
        var rows: [[String]] = [header]
        for model in models.sorted(by: { $0.id < $1.id }) {
            let price = ModelPrice(model)
            rows.append([
                model.id,
                model.acceptsImages ? "yes" : "no",
                model.contextLength.map(UsageLedger.count) ?? "-",
                price.map { perMillion($0.inputPerMillion) } ?? "-",
                price.map { perMillion($0.outputPerMillion) } ?? "-",
            ])
        }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                // Numbers right-aligned, words left-aligned.
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i >= 2 ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }

    /// An entry of `models --json`.
    public struct Entry: Codable, Sendable, Hashable {
        public var id: String
        public var vision: Bool
        public var contextLength: Int?
        public var inputUSDPerMillion: Double?
        public var outputUSDPerMillion: Double?

        enum CodingKeys: String, CodingKey {
            case id, vision
            case contextLength = "context_length"
            case inputUSDPerMillion = "input_usd_per_million_tokens"
            case outputUSDPerMillion = "output_usd_per_million_tokens"
        }
    }

    public static func entries(_ models: [UpstreamModel]) -> [Entry] {
        models.sorted { $0.id < $1.id }.map { model in
            let price = ModelPrice(model)
            return Entry(id: model.id, vision: model.acceptsImages, contextLength: model.contextLength,
                         inputUSDPerMillion: price?.inputPerMillion, outputUSDPerMillion: price?.outputPerMillion)
        }
    }

    /// `[{"id": ..., "vision": ..., "context_length": ..., ...}]`, pretty-printed.
    public static func json(_ models: [UpstreamModel]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(entries(models))) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Prices per million tokens run from cents to a few dollars: three decimals for all, so
    /// the column lines up.
    static func perMillion(_ value: Double) -> String {
        UsageLedger.fixed(value, digits: 3)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
