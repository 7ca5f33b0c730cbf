import AsyncHTTPClient
import Logging
import ProxyServer
import Translation
import Upstream

extension Settings {
    /// The live catalogue of the configured upstream, starting from its disk cache.
    func makeCatalogue(client: UpstreamClient, logger: Logger) -> ModelCatalogue {
        ModelCatalogue(baseURL: upstream.baseURL, cacheFile: catalogueCacheFile, logger: logger) {
            () async throws(UpstreamFailure) -> [CatalogueModel] in try await client.catalogue()
        }
    }

    /// The pipeline, with the live catalogue and `FALLBACK_MODEL`: what every face runs.
    func makeService(httpClient: HTTPClient, logger: Logger) -> MessagesService {
        let client = UpstreamClient(config: upstream, httpClient: httpClient, logger: logger)
        var service = MessagesService(
            upstream: upstream, translation: translation, httpClient: httpClient, logger: logger,
            catalogue: makeCatalogue(client: client, logger: logger), fallbacks: fallbackModels,
            fallsBack: fallsBack, webTools: webTools)
        service.calibration = TokenCalibrationStore(  // token counts that learn, beside catalogue.json
            file: TokenCalibrationStore.file(besideCatalogue: catalogueCacheFile), baseURL: upstream.baseURL)
        return service
    }
}

extension Settings {
    /// The Claude Messages API in front of `service`, listing its catalogue.
    func makeProxy(service: MessagesService, server: ServerConfig, logger: Logger) -> ProxyApplication {
        let catalogue = service.catalogue ?? .fixed([])
        return ProxyApplication(
            service: service, catalogue: catalogue, translation: translation, server: server, logger: logger,
            resolvedTranslation: { service.translation })
    }
}
