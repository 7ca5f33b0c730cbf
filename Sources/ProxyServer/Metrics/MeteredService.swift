import ClaudeAPI
import Upstream

/// The pipeline with `/metrics` recording: the upstream client's figures go to this server's
/// registry (``UpstreamMetrics/current`` is bound around the call), and fallbacks are counted
/// from the route that answered or the models a failure names.
struct MeteredService: MessagesServing {
    let base: any MessagesServing
    let metrics: ProxyMetrics

    func stream(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream {
        do {
            let events = try await UpstreamMetrics.$current.withValue(metrics.upstream) {
                try await base.stream(request, heartbeat: heartbeat)
            }
            if let failed = events.route?.failed, !failed.isEmpty { metrics.fellBack(from: failed) }
            return events
        } catch let failure as UpstreamFailure {
            metrics.fellBack(from: failure.models.dropLast())
            throw failure
        } catch {
            // `withValue` rethrows untyped; the base throws only UpstreamFailure.
            throw UpstreamFailure(APIError(.api, "The request failed: \(error)"))
        }
    }

    func countTokens(_ request: MessagesRequest) throws(UpstreamFailure) -> Int {
        try base.countTokens(request)
    }
}
