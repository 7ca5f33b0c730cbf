/// How `serve` listens and whom it lets in.
public struct ServerConfig: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// When set, requests must carry it as `x-api-key` or `Authorization: Bearer`. Never logged.
    public var clientAPIKey: String?
    /// Larger bodies are answered with 413 `request_too_large`.
    public var maxBodyBytes: Int
    /// Seconds of upstream silence after which a `ping` event is sent to the client.
    public var pingInterval: Double
    /// Seconds after which a connection with no request in progress (or one whose request does
    /// not finish arriving) is closed.
    public var idleTimeout: Double
    /// Seconds a connection may stay unable to take more bytes (its client stopped reading)
    /// before it is closed and the upstream request cancelled (`WRITE_TIMEOUT`).
    public var writeTimeout: Double = 60
    /// Seconds between checks for idleness after work, when freed memory is given back to the
    /// system; 0 turns it off.
    public var memoryTrimInterval: Double
    /// Whether `GET /metrics` is served and figures recorded (`METRICS=off` turns it off).
    public var metrics = true

    public init(host: String = "127.0.0.1", port: Int = 8083, clientAPIKey: String? = nil,
                maxBodyBytes: Int = 32 * 1024 * 1024, pingInterval: Double = 15, idleTimeout: Double = 30,
                memoryTrimInterval: Double = 30) {
        self.host = host
        self.port = port
        self.clientAPIKey = clientAPIKey
        self.maxBodyBytes = maxBodyBytes
        self.pingInterval = pingInterval
        self.idleTimeout = max(1, idleTimeout)
        self.memoryTrimInterval = max(0, memoryTrimInterval)
    }

    /// Whether the listen address is reachable only from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
