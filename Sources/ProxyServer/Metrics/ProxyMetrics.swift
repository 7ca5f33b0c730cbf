import Prometheus
import Synchronization
import Upstream

/// The figures `GET /metrics` serves, in the Prometheus text format: requests by route, status
/// and upstream model, upstream latency and time to first token, tokens, retries, fallbacks,
/// client disconnects, active streams and upstream connections in use.
///
/// Each server owns one registry (in-process tests run many servers at once, and the
/// process-wide `MetricsSystem` can be set only once). Handles are made on first use of a label
/// set and kept: recording is a dictionary lookup under a short lock and an atomic add.
///
/// Label values are bounded: route templates, status codes, and model ids the proxy knows (the
/// roles and the catalogue); any other model id is `other`, and no label carries a key.
public final class ProxyMetrics: Sendable {
    /// The registry behind ``render()``.
    public let registry: PrometheusCollectorRegistry
    /// What the upstream client records (retries, connections), bound per request.
    let upstream: UpstreamMetrics
    private let isKnownModel: @Sendable (String) -> Bool
    private let requests = Mutex<[RequestKey: Counter]>([:])
    private let models = Mutex<[String: ModelSeries]>([:])
    private let fallbacks = Mutex<[String: Counter]>([:])
    private let disconnects: [MetricRoute: Counter]
    private let activeStreams: Gauge
    /// The series of model ids the proxy does not know.
    private let otherModel: ModelSeries
    /// The series of requests that never reached a model (bad requests, count_tokens).
    static let noModel = "none"

    /// - Parameter isKnownModel: whether a model id may be a label value (configured or in the
    ///   catalogue); others are counted as `other`.
    public init(isKnownModel: @escaping @Sendable (String) -> Bool) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.isKnownModel = isKnownModel
        upstream = UpstreamMetrics(factory: PrometheusMetricsFactory(registry: registry))
        disconnects = Dictionary(uniqueKeysWithValues: [MetricRoute.messages].map { route in
            (route, registry.makeCounter(
                descriptor: series("client_disconnects", "total", "Requests whose client left before the answer ended."),
                labels: [("route", route.rawValue)]))
        })
        activeStreams = registry.makeGauge(descriptor: series("active_streams", "", "Streamed answers being written now."))
        otherModel = ModelSeries(label: "other", registry: registry)
    }

    /// The text exposition of every series.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }

    // MARK: Recording

    /// A request ended: counted by route, status and model, with its tokens and timings.
    func record(_ line: RequestLogLine, status: Int, elapsed: Duration, clientLeft: Bool, failed: Bool) {
        let route = MetricRoute(path: line.path)
        let series = line.upstream.map { modelSeries($0.model) }
        requestCounter(route: route, status: status, model: series?.label ?? Self.noModel).increment()
        if clientLeft { disconnects[route]?.increment() }
        guard let series, route == .messages else { return }
        if let tokens = line.tokens {
            let cached = min(max(0, line.cachedTokens), max(0, tokens.input))
            series.inputTokens.increment(by: Int64(max(0, tokens.input) - cached))
            series.outputTokens.increment(by: Int64(max(0, tokens.output)))
            series.cachedTokens.increment(by: Int64(cached))
        }
        guard status < 400, !clientLeft, !failed else { return }
        series.latency.record(elapsed)
        if let firstToken = line.firstToken { series.timeToFirstToken.record(firstToken) }
    }

    /// A request that no endpoint recorded itself (other routes, or turned away by the key).
    func count(_ route: MetricRoute, status: Int) {
        requestCounter(route: route, status: status, model: Self.noModel).increment()
    }

    /// The models in `route.failed` (or the models tried before the last, for a failure) gave
    /// way to the next one.
    func fellBack(from models: some Sequence<String>) {
        for model in models {
            let label = modelSeries(model).label
            let counter = fallbacks.withLock { cache in
                if let counter = cache[label] { return counter }
                let counter = registry.makeCounter(
                    descriptor: series("fallbacks", "total", "Times a model failed upstream and the next model was tried."),
                    labels: [("model", label)])
                cache[label] = counter
                return counter
            }
            counter.increment()
        }
    }

    func streamStarted() { activeStreams.increment() }
    func streamEnded() { activeStreams.decrement() }

    // MARK: Handles

    private struct RequestKey: Hashable {
        var route: MetricRoute
        var status: Int
        var model: String
    }

    private func requestCounter(route: MetricRoute, status: Int, model: String) -> Counter {
        let key = RequestKey(route: route, status: status, model: model)
        return requests.withLock { cache in
            if let counter = cache[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: series("requests", "total", "Requests answered, by route template, HTTP status and upstream model."),
                labels: [("route", route.rawValue), ("status", String(status)), ("model", model)])
            cache[key] = counter
            return counter
        }
    }

    /// The series of `model`, or of `other` when the proxy does not know it (an unknown id is
    /// never kept, so a client sending made-up ids adds nothing).
    private func modelSeries(_ model: String) -> ModelSeries {
        if let series = models.withLock({ $0[model] }) { return series }
        guard isKnownModel(model) else { return otherModel }
        return models.withLock { cache in
            if let series = cache[model] { return series }
            let series = ModelSeries(label: model, registry: registry)
            cache[model] = series
            return series
        }
    }
}

/// The per-model series: tokens, upstream latency, time to first token.
private final class ModelSeries: Sendable {
    let label: String
    let inputTokens: Counter
    let outputTokens: Counter
    let cachedTokens: Counter
    let latency: DurationHistogram
    let timeToFirstToken: DurationHistogram

    init(label: String, registry: PrometheusCollectorRegistry) {
        self.label = label
        func tokens(_ kind: String) -> Counter {
            registry.makeCounter(
                descriptor: series("tokens", "total", "Tokens of answered requests: input (not cached), cached input, output."),
                labels: [("kind", kind), ("model", label)])
        }
        inputTokens = tokens("input")
        outputTokens = tokens("output")
        cachedTokens = tokens("cached")
        latency = registry.makeDurationHistogram(
            descriptor: series("upstream_latency", "seconds", "Seconds from a request's arrival to the end of a complete upstream answer."),
            labels: [("model", label)],
            buckets: [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300].map { Duration.milliseconds(Int64($0 * 1000)) })
        timeToFirstToken = registry.makeDurationHistogram(
            descriptor: series(
                "time_to_first_token", "seconds",
                "Seconds from a streamed request's arrival to its first content delta written to the client."),
            labels: [("model", label)],
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60].map { Duration.milliseconds(Int64($0 * 1000)) })
    }
}

/// A series name of the proxy: `nebius_chat_<name>_<unit>`, with its help line.
private func series(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
    MetricNameDescriptor(namespace: "nebius_chat", metricName: name, unitName: unit, helpText: help)
}
