import ClaudeAPI
import Hummingbird
import Logging
import Upstream

/// The one info line logged per request: method, path, model mapping, status, duration,
/// tokens, stream or not. It never holds a key or a body.
struct RequestLogLine: Sendable {
    var method: String
    var path: String
    var model: String?
    var stream = false
    var tokens: (input: Int, output: Int)?
    var beta: String?
    // For /metrics: where the figures go, the route that answered, cached input tokens, and
    // the time to the first content delta of a stream.
    var metrics: ProxyMetrics?
    var upstream: UpstreamRoute?
    var cachedTokens = 0
    var firstToken: Duration?

    /// `claude-sonnet-4-5 -> moonshotai/Kimi-K2.7-Code`, with the models that failed before it.
    mutating func route(_ requested: String, _ route: UpstreamRoute?) {
        guard let route else { return }
        upstream = route  // /metrics
        model = "\(requested) -> \(route.description)"
    }

    /// Logs the line for a response that is complete now, and returns the response.
    func finish(_ logger: Logger, _ response: Response, started: ContinuousClock.Instant, error: APIError? = nil) -> Response {
        log(logger, status: Int(response.status.code), started: started, error: error, clientLeft: false)
        return response
    }

    /// Logs the line when a streamed response has ended.
    func finishStream(_ logger: Logger, status: Int, started: ContinuousClock.Instant, error: APIError?, clientLeft: Bool) {
        log(logger, status: status, started: started, error: error, clientLeft: clientLeft)
    }

    private func log(_ logger: Logger, status: Int, started: ContinuousClock.Instant, error: APIError?, clientLeft: Bool) {
        let elapsed = ContinuousClock.now - started
        metrics?.record(self, status: status, elapsed: elapsed, clientLeft: clientLeft, failed: error != nil)
        if let beta { logger.debug("anthropic-beta: \(beta)") }
        let level: Logger.Level = status >= 500 || error != nil ? .warning : .info
        guard logger.logLevel <= level else { return }  // no line to build
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var line = "\(method) \(path)"
        if let model { line += " \(model)" }
        line += " \(status) \(Int(ms.rounded()))ms"
        if let tokens { line += " in=\(tokens.input) out=\(tokens.output)" }
        line += stream ? " stream" : " non-stream"
        if clientLeft { line += " client-disconnected" }
        if let error { line += " error=\(error.type.rawValue): \(error.message)" }
        logger.log(level: level, "\(line)")
    }
}
