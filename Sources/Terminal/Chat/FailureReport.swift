import ClaudeAPI
import Upstream

/// Turns an upstream failure into the words a user of the terminal needs.
public enum FailureReport {
    /// One or two lines: what went wrong, and for a model the upstream does not know, which
    /// models it does know.
    public static func message(for failure: UpstreamFailure, model: String, needsVision: Bool, catalogue: ModelCatalogue?) async -> String {
        if failure.error.type == .notFound || failure.upstreamStatus == 404 {
            let models = await catalogue?.models(waitingAtMost: ModelCatalogue.terminalWait)
            return MissingModelHint.message(model: model, catalogue: models, needsVision: needsVision)
        }
        var text = failure.error.message
        if let retry = failure.retryAfter, failure.error.type == .rateLimit {
            text += " (the upstream asks to wait \(retry)s)"
        }
        return text
    }
}
