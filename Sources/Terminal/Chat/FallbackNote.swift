import Upstream

/// The remark after an answer that another model gave because the routed one failed.
enum FallbackNote {
    /// `zai-org/GLM-4.7-FP8 failed upstream (not found or down); openai/gpt-oss-120b answered`,
    /// or `nil` when the routed model answered.
    static func text(_ route: UpstreamRoute) -> String? {
        guard !route.failed.isEmpty else { return nil }
        return "\(route.failed.joined(separator: ", ")) failed upstream (not found or down); \(route.model) answered"
    }
}
