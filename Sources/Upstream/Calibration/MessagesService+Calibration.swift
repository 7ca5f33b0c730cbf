import ClaudeAPI
import Translation

extension MessagesService {
    /// `count_tokens`: the estimate of `request` (its PDFs as text or page images) scaled by
    /// what the routed model's upstream counts taught (see ``TokenCalibration``).
    public func countTokens(_ request: MessagesRequest) throws(UpstreamFailure) -> Int {
        let roles = resolved()
        let request = try convertingDocuments(request, roles: roles)
        let model = ModelRouter(config: roles.config).route(request)
        return calibration.scaled(TokenEstimator.estimate(request), model: model)
    }

    /// Records the upstream's `prompt_tokens` for a request to `model` whose raw estimate was
    /// `estimate`: what ``MessageEventStream`` calls when the answer's usage arrived.
    func usageRecorder(model: String, estimate: Int) -> @Sendable (Int) -> Void {
        let store = calibration
        return { promptTokens in store.record(model: model, estimate: estimate, upstream: promptTokens) }
    }
}

extension MessagesServing {
    /// `count_tokens` for services without calibration: the plain estimate.
    public func countTokens(_ request: MessagesRequest) throws(UpstreamFailure) -> Int {
        TokenEstimator.estimate(request)
    }
}
