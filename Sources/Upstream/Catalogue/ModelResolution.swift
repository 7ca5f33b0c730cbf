import Translation

/// A configured or default model that is not in the catalogue, and what stands in for it.
public struct ModelReplacement: Sendable, Hashable {
    /// `BIG_MODEL`, `MIDDLE_MODEL`, `SMALL_MODEL` or `VISION_MODEL`.
    public var role: String
    public var configured: String
    public var replacement: String

    public init(role: String, configured: String, replacement: String) {
        self.role = role
        self.configured = configured
        self.replacement = replacement
    }

    /// `BIG_MODEL zai-org/GLM-4.7-FP8 is not in the Nebius catalogue; using zai-org/GLM-5.2`.
    public var notice: String {
        "\(role) \(configured) is not in the Nebius catalogue; using \(replacement)"
    }
}

/// The four roles resolved against the catalogue.
///
/// A role keeps its configured model when the catalogue lists it (or when there is no
/// catalogue: then the configured names are used as they are). Otherwise the first of
/// `FALLBACK_MODEL` that the catalogue lists stands in, then the first of the role's
/// ``ModelPreferences``, then the catalogue's best guess for the role.
///
/// ```swift
/// let resolved = ModelResolution(config: settings.translation, fallbacks: ["openai/gpt-oss-120b"],
///                                catalogue: models)
/// for replacement in resolved.replacements { print(replacement.notice) }
/// let translation = resolved.config
/// ```
public struct ModelResolution: Sendable, Hashable {
    public var config: TranslationConfig
    public var replacements: [ModelReplacement]

    public enum Role: String, Sendable, CaseIterable {
        case big = "BIG_MODEL", middle = "MIDDLE_MODEL", small = "SMALL_MODEL", vision = "VISION_MODEL"

        var preferences: [String] {
            switch self {
            case .big: ModelPreferences.big
            case .middle: ModelPreferences.middle
            case .small: ModelPreferences.small
            case .vision: ModelPreferences.vision
            }
        }

        var keyPath: WritableKeyPath<TranslationConfig, String> {
            switch self {
            case .big: \.bigModel
            case .middle: \.middleModel
            case .small: \.smallModel
            case .vision: \.visionModel
            }
        }
    }

    public init(config: TranslationConfig, fallbacks: [String] = [], catalogue: [CatalogueModel]?) {
        self.config = config
        self.replacements = []
        guard let catalogue, !catalogue.isEmpty else { return }
        for role in Role.allCases {
            let configured = config[keyPath: role.keyPath]
            guard let replacement = Self.replacement(for: configured, role: role, fallbacks: fallbacks, catalogue: catalogue)
            else { continue }
            self.config[keyPath: role.keyPath] = replacement
            replacements.append(ModelReplacement(role: role.rawValue, configured: configured, replacement: replacement))
        }
    }

    /// What stands in for `model` in `role`; `nil` when the catalogue lists `model` (or
    /// offers nothing usable).
    public static func replacement(
        for model: String, role: Role, fallbacks: [String], catalogue: [CatalogueModel]
    ) -> String? {
        let byID = Dictionary(catalogue.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        if byID[model] != nil { return nil }
        func usable(_ id: String) -> Bool {
            guard let entry = byID[id], id != model else { return false }
            return role != .vision || entry.acceptsImages != false
        }
        if let fallback = fallbacks.first(where: usable) { return fallback }
        if let preferred = role.preferences.first(where: { usable($0) && byID[$0]?.isDeprecated == false }) {
            return preferred
        }
        return bestGuess(role: role, catalogue: catalogue.filter { !$0.isDeprecated && $0.id != model })
    }

    /// Another model for `role` than `model`, from the catalogue: the first preferred id listed
    /// (not deprecated), else the best guess. For a model that is listed but down, or one the
    /// catalogue lists but the upstream no longer knows.
    public static func alternative(to model: String, role: Role, catalogue: [CatalogueModel]) -> String? {
        let listed = Set(catalogue.filter { !$0.isDeprecated && (role != .vision || $0.acceptsImages != false) }.map(\.id))
        if let preferred = role.preferences.first(where: { $0 != model && listed.contains($0) }) { return preferred }
        return bestGuess(role: role, catalogue: catalogue.filter { !$0.isDeprecated && $0.id != model })
    }

    /// With none of the preferred ids listed: for vision the image model with the largest
    /// window; for haiku the cheapest model; otherwise the largest window (ties by id).
    static func bestGuess(role: Role, catalogue: [CatalogueModel]) -> String? {
        let pool = role == .vision ? catalogue.filter { $0.acceptsImages == true } : catalogue
        switch role {
        case .small:
            let priced = pool.filter { $0.price != nil }
            func cost(_ m: CatalogueModel) -> Double { (m.price?.inputPerMillion ?? 0) + (m.price?.outputPerMillion ?? 0) }
            return (priced.isEmpty ? pool : priced).min { (cost($0), $0.id) < (cost($1), $1.id) }?.id
        case .big, .middle, .vision:
            return pool.max { ($0.contextLength ?? 0, $1.id) < ($1.contextLength ?? 0, $0.id) }?.id
        }
    }
}
