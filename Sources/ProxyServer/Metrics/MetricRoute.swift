/// The route of a request as `/metrics` labels it: the template, never the client's path, so
/// that a client cannot add series by inventing paths.
enum MetricRoute: String, Sendable, Hashable, CaseIterable {
    case messages = "/v1/messages"
    case countTokens = "/v1/messages/count_tokens"
    case models = "/v1/models"
    case model = "/v1/models/{id}"
    case health = "/health"
    case root = "/"
    case metrics = "/metrics"
    /// Any path the proxy does not serve.
    case other

    init(path: String) {
        switch path {
        case "/v1/messages": self = .messages
        case "/v1/messages/count_tokens": self = .countTokens
        case "/v1/models": self = .models
        case "/health": self = .health
        case "/": self = .root
        case "/metrics": self = .metrics
        default: self = path.hasPrefix("/v1/models/") ? .model : .other
        }
    }

    /// Whether the endpoint records its own requests (with the upstream model): the request
    /// log line does, once the request got past the client key.
    var recordsItself: Bool { self == .messages || self == .countTokens }
}
