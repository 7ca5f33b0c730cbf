import ClaudeAPI
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Translation
import Upstream

/// The Claude Messages API in front of the pipeline.
///
/// ```swift
/// let app = ProxyApplication(service: service, catalogue: catalogue,
///                            translation: settings.translation, server: settings.server, logger: logger)
/// try await app.run { address in print("listening on \(address)") }
/// ```
public struct ProxyApplication: Sendable {
    public let service: any MessagesServing
    public let translation: TranslationConfig
    public let server: ServerConfig
    public let logger: Logger
    public let catalogue: ModelCatalogue
    /// The roles as resolved now (against the live catalogue), for `GET /v1/models/{claude name}`.
    let resolvedTranslation: @Sendable () -> TranslationConfig
    let activity = RequestActivity()
    /// The figures `GET /metrics` serves; nil when it is off.
    public let metrics: ProxyMetrics?

    /// - Parameter resolvedTranslation: the roles resolved against the catalogue now (the
    ///   service's); `translation` as it is by default.
    public init(
        service: any MessagesServing,
        catalogue: ModelCatalogue,
        translation: TranslationConfig,
        server: ServerConfig,
        logger: Logger,
        resolvedTranslation: (@Sendable () -> TranslationConfig)? = nil
    ) {
        self.service = service
        self.translation = translation
        self.server = server
        self.logger = logger
        self.catalogue = catalogue
        self.resolvedTranslation = resolvedTranslation ?? { translation }
        self.metrics = Self.makeMetrics(
            service: service, server: server, catalogue: catalogue, translation: translation, resolvedTranslation: self.resolvedTranslation)
    }

    /// The routes, for in-process tests and for ``run(onListening:)``.
    public func router() -> Router<ProxyRequestContext> {
        let router = Router(context: ProxyRequestContext.self)
        router.add(middleware: ActivityTracking(activity: activity))
        addGate(to: router)  // the client key, counted for /metrics
        let messages = MessagesEndpoint(
            service: meteredService, router: ModelRouter(config: translation), config: server, logger: logger, metrics: metrics)
        let models = ModelsEndpoint(
            catalogue: catalogue, resolvedTranslation: resolvedTranslation, maxTokensLimit: translation.maxTokens, logger: logger)
        router.post("/v1/messages", use: messages.messages)
        router.post("/v1/messages/count_tokens", use: messages.countTokens)
        router.get("/v1/models", use: models.list)
        router.get("/v1/models/**", use: models.get)
        router.get("/health") { _, _ in Self.plain(#"{"status":"ok"}"#) }
        router.get("/") { _, _ in Self.plain(#"{"status":"ok","service":"nebius-chat"}"#) }
        router.head("/") { _, _ in Response(status: .ok) }
        addMetricsRoute(to: router)
        return router
    }

    /// The Hummingbird application, bound to `server.host:server.port`.
    public func application(onListening: @escaping @Sendable (String) -> Void = { _ in })
        -> some ApplicationProtocol
    {
        Application(
            router: router(),
            server: .http1(configuration: .init(
                additionalChannelHandlers: [
                    ClientDisconnectHandler(), SSEWriteCoalescer(),
                    WriteTimeoutHandler(seconds: server.writeTimeout, logger: logger),
                ],
                // Closes connections idle between requests, or too slow to send a request
                // (slowloris); a running response is never cut.
                idleTimeout: .seconds(Int64(server.idleTimeout)))),
            configuration: .init(address: .hostname(server.host, port: server.port), serverName: "nebius-chat"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? server.port
                onListening("http://\(server.host.contains(":") ? "[\(server.host)]" : server.host):\(port)")
            },
            logger: logger
        )
    }

    /// Serves until SIGINT or SIGTERM (unless `handlesSignals` is off) or until the task is
    /// cancelled; then stops accepting, lets running streams finish for up to `drainSeconds`,
    /// and closes.
    public func run(
        drainSeconds: Double = 5, handlesSignals: Bool = true,
        onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: application(onListening: onListening))]
        if server.memoryTrimInterval > 0 {
            let interval = Duration.milliseconds(Int64(server.memoryTrimInterval * 1000))
            // Its end (at shutdown) must not end the server: running streams get to finish.
            services.append(.init(
                service: MemoryTrimmer(activity: activity, interval: interval, logger: logger),
                successTerminationBehavior: .ignore))
        }
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(drainSeconds * 1000))
        // Requests run on the event loops of their connections (EventLoopTaskExecutor).
        try await withTaskExecutorPreference(EventLoopTaskExecutor.shared) {
            try await ServiceGroup(configuration: configuration).run()
        }
    }

    static func plain(_ json: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }
}
