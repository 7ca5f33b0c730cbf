import Hummingbird
import NIOCore
import Translation
import Upstream

extension ProxyApplication {
    /// The figures of this server, or nil with `METRICS=off`.
    static func makeMetrics(
        service: any MessagesServing, server: ServerConfig, catalogue: ModelCatalogue, translation: TranslationConfig,
        resolvedTranslation: @escaping @Sendable () -> TranslationConfig
    ) -> ProxyMetrics? {
        guard server.metrics else { return nil }
        let fallbacks = (service as? MessagesService)?.fallbacks ?? []
        return ProxyMetrics { model in
            func roles(_ t: TranslationConfig) -> [String] { [t.bigModel, t.middleModel, t.smallModel, t.visionModel] }
            return roles(translation).contains(model) || fallbacks.contains(model)
                || catalogue.model(model) != nil || roles(resolvedTranslation()).contains(model)
        }
    }

    /// The client-key check (when a key is set), counted for `/metrics` when metrics are on.
    func addGate(to router: Router<ProxyRequestContext>) {
        let authenticator = server.clientAPIKey.flatMap { $0.isEmpty ? nil : ClientAuthenticator(key: $0) }
        if let metrics {
            router.add(middleware: MetricsMiddleware(metrics: metrics, authenticator: authenticator))
        } else if let authenticator {
            router.add(middleware: authenticator)
        }
    }

    /// The pipeline the endpoints call: recorded for `/metrics` when metrics are on.
    var meteredService: any MessagesServing {
        metrics.map { MeteredService(base: service, metrics: $0) } ?? service
    }

    /// `GET /metrics`, behind the client key like every route but the health checks.
    func addMetricsRoute(to router: Router<ProxyRequestContext>) {
        guard let metrics else { return }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
    }
}
