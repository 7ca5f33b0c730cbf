import AsyncHTTPClient
import NIOCore
import Synchronization

/// The one `HTTPClient` of a toolbox's HTTP servers: made when the first of them starts, shut
/// down with the toolbox.
final class SharedHTTPClient: Sendable {
    private struct State {
        var client: HTTPClient?
        var isShutDown = false
    }
    private let state = Mutex(State())
    private let connectTimeout: Double
    private let readTimeout: Double

    /// `readTimeout`: the longest silence on a connection with a request in flight.
    init(connectTimeout: Double, readTimeout: Double) {
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }

    /// The client; `nil` once shut down.
    func get() -> HTTPClient? {
        state.withLock { state in
            guard !state.isShutDown else { return nil }
            if let client = state.client { return client }
            // Redirects off: the entry's headers (keys) must not follow a redirect to another host.
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: .init(connect: Self.amount(connectTimeout), read: Self.amount(readTimeout)))
            // A refused connection fails at once instead of being retried until the connect timeout.
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.tracing.tracer = nil
            let made = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            state.client = made
            return made
        }
    }

    func shutdown() async {
        let made = state.withLock { state in
            state.isShutDown = true
            defer { state.client = nil }
            return state.client
        }
        try? await made?.shutdown()
    }

    /// Seconds as a NIO amount, from 1 ms to a day (never a trap on an odd value).
    static func amount(_ seconds: Double) -> TimeAmount {
        .milliseconds(Int64(min(max(0.001, seconds.isNaN ? 0 : seconds), 86_400) * 1000))
    }
}
