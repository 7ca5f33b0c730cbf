import ClaudeAPI
import Translation

/// The models one request may try, in order: the routed model, then `FALLBACK_MODEL`, then the
/// catalogue's replacement for the role; each once. A request that sends images only falls
/// back to models that take them (or whose modality the catalogue does not give).
struct FallbackPlan: Sendable {
    let models: [String]

    /// - Parameter fallsBack: `false` (`FALLBACK_MODEL=off`): the routed model only.
    init(request: MessagesRequest, roles: ModelResolution, fallbacks: [String], catalogue: [CatalogueModel]?, fallsBack: Bool = true) {
        let router = ModelRouter(config: roles.config)
        let routed = router.route(request)
        guard fallsBack else {
            models = [routed]
            return
        }
        let config = roles.config
        let role: ModelResolution.Role =
            if router.sendsImages(request) { .vision }
            else if routed == config.smallModel { .small }
            else if routed == config.middleModel { .middle }
            else { .big }
        var order = [routed]
        let byID = Dictionary((catalogue ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for fallback in fallbacks where role != .vision || byID[fallback]?.acceptsImages != false {
            order.append(fallback)
        }
        if let catalogue, !catalogue.isEmpty,
           let replacement = ModelResolution.alternative(to: routed, role: role, catalogue: catalogue) {
            order.append(replacement)
        }
        var seen = Set<String>()
        models = order.filter { seen.insert($0).inserted }
    }
}

/// The model that answered a request, and those that failed before it.
public struct UpstreamRoute: Sendable, Hashable {
    public var model: String
    /// Models tried first that were not found or were down, in order.
    public var failed: [String]

    public init(model: String, failed: [String] = []) {
        self.model = model
        self.failed = failed
    }

    /// `zai-org/GLM-5.2` or `openai/gpt-oss-120b (fallback from zai-org/GLM-5.2)`.
    public var description: String {
        failed.isEmpty ? model : "\(model) (fallback from \(failed.joined(separator: ", ")))"
    }
}

extension UpstreamFailure {
    /// Whether another model may do better: the model is not found (404), the upstream failed
    /// (5xx after the retries) or could not be reached. Not for what the request itself
    /// caused (400, 401, 403, 413, 429) nor for a timeout.
    public var allowsFallback: Bool {
        switch upstreamStatus {
        case .some(404): true
        case .some(let status): status >= 500 && status != 504
        case .none: status == 502
        }
    }
}
