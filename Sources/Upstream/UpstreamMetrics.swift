import CoreMetrics

/// What the upstream client records for `/metrics`: retries before the first byte, and upstream
/// requests in flight (each holds one pooled connection over HTTP/1.1).
///
/// The proxy binds one for the requests it serves (``current``), made from its own
/// `MetricsFactory`, so that every server in a process (tests run many) has its own figures and
/// nothing depends on the process-wide `MetricsSystem`. Without a binding (the terminal),
/// nothing is recorded. The handles are made once, at `init`: recording is an atomic add.
///
/// ```swift
/// let metrics = UpstreamMetrics(factory: PrometheusMetricsFactory(registry: registry))
/// try await UpstreamMetrics.$current.withValue(metrics) { try await service.stream(request) }
/// ```
public struct UpstreamMetrics: Sendable {
    /// The figures of the requests run in this task and the tasks it starts.
    @TaskLocal public static var current: UpstreamMetrics?

    /// Retried answers by reason: the upstream status, or `connect` for a failed connection.
    static let retryReasons = ["429", "500", "502", "503", "504", "connect"]

    private let retries: [Counter]
    private let inFlight: Meter

    public init(factory: any MetricsFactory) {
        retries = Self.retryReasons.map { reason in
            Counter(label: "nebius_chat_upstream_retries_total", dimensions: [("reason", reason)], factory: factory)
        }
        inFlight = Meter(label: "nebius_chat_upstream_connections_in_use", dimensions: [], factory: factory)
        inFlight.set(0)
    }

    /// One retry after `status` (`nil`: the connection failed).
    func retried(status: Int?) {
        let reason = status.map(String.init) ?? "connect"
        // The statuses retried are those of RetryPolicy.isRetryable; any other counts as connect.
        let index = Self.retryReasons.firstIndex(of: reason) ?? Self.retryReasons.count - 1
        retries[index].increment()
    }

    /// An upstream request started (it holds a connection until ``requestEnded()``).
    func requestStarted() { inFlight.increment() }

    func requestEnded() { inFlight.decrement() }
}
