import Foundation
import Upstream

/// `nebius-chat models`: the catalogue as a table, or as JSON for scripts.
public enum ModelsListing {
    /// Which role names (`big`, `middle`, `small`, `vision`) each model id serves.
    public typealias Roles = [String: [String]]

    /// The roles of a resolved configuration, by the model id each resolves to.
    public static func roles(big: String, middle: String, small: String, vision: String) -> Roles {
        var roles: Roles = [:]
        for (role, id) in [("big", big), ("middle", middle), ("small", small), ("vision", vision)] {
            roles[id, default: []].append(role)
        }
        return roles
    }

    /// One row per model, sorted by id: id, the roles it serves, vision, context, $ per million
    /// tokens in/out. Vision reads `unknown` when the catalogue gives no modality.
    public static func table(_ models: [CatalogueModel], roles: Roles = [:]) -> String {
        let header = ["MODEL", "ROLE", "VISION", "CONTEXT", "$/M IN", "$/M OUT"]
        var rows: [[String]] = [header]
        for model in models.sorted(by: { $0.id < $1.id }) {
            var id = model.id
            if model.isDeprecated { id += " (deprecated)" }
            rows.append([
                id,
                roles[model.id]?.joined(separator: ",") ?? "",
                model.acceptsImages.map { $0 ? "yes" : "no" } ?? "unknown",
                model.contextLength.map(UsageLedger.count) ?? "-",
                model.price.map { perMillion($0.inputPerMillion) } ?? "-",
                model.price.map { perMillion($0.outputPerMillion) } ?? "-",
            ])
        }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows { for (i, cell) in zip(widths.indices, row) { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            zip(widths, row).enumerated().map { i, column in
                let (width, cell) = column
                // Numbers right-aligned, words left-aligned.
                let pad = String(repeating: " ", count: max(0, width - cell.count))
                return i >= 3 ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }

    /// An entry of `models --json`.
    public struct Entry: Codable, Sendable, Hashable {
        public var id: String
        /// `nil` (JSON `null`) when the catalogue does not say.
        public var vision: Bool?
        public var contextLength: Int?
        public var inputUSDPerMillion: Double?
        public var outputUSDPerMillion: Double?
        public var roles: [String]
        public var status: String?

        enum CodingKeys: String, CodingKey {
            case id, vision, roles, status
            case contextLength = "context_length"
            case inputUSDPerMillion = "input_usd_per_million_tokens"
            case outputUSDPerMillion = "output_usd_per_million_tokens"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(vision, forKey: .vision)
            try c.encode(contextLength, forKey: .contextLength)
            try c.encode(inputUSDPerMillion, forKey: .inputUSDPerMillion)
            try c.encode(outputUSDPerMillion, forKey: .outputUSDPerMillion)
            try c.encode(roles, forKey: .roles)
            try c.encodeIfPresent(status, forKey: .status)
        }
    }

    public static func entries(_ models: [CatalogueModel], roles: Roles = [:]) -> [Entry] {
        models.sorted { $0.id < $1.id }.map { model in
            Entry(id: model.id, vision: model.acceptsImages, contextLength: model.contextLength,
                  inputUSDPerMillion: model.price?.inputPerMillion, outputUSDPerMillion: model.price?.outputPerMillion,
                  roles: roles[model.id] ?? [], status: model.status)
        }
    }

    /// `[{"id": ..., "vision": ..., "context_length": ..., "roles": [...], ...}]`, pretty-printed.
    public static func json(_ models: [CatalogueModel], roles: Roles = [:]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(entries(models, roles: roles))) ?? Data("[]".utf8)
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
