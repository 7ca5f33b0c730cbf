import ClaudeAPI
import Foundation
import Hummingbird
import Logging
import Translation
import Upstream

/// `GET /v1/models` and `GET /v1/models/{id}`, from the live catalogue, with each model's
/// window (`max_input_tokens`) and the answer length serve allows (`max_tokens`).
struct ModelsEndpoint: Sendable {
    let catalogue: ModelCatalogue
    let resolvedTranslation: @Sendable () -> TranslationConfig
    /// `MAX_TOKENS_LIMIT`.
    let maxTokensLimit: Int
    let logger: Logger

    func list(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        switch await models() {
        case .success(let models):
            return jsonResponse(ModelList(data: models.map(info)), encoder: JSONEncoder())
        case .failure(let failure):
            logger.warning("GET /v1/models failed: \(failure.error.message)")
            return failure.response()
        }
    }

    /// One model by id. Ids hold slashes (`zai-org/GLM-5.2`); Claude names (`claude-sonnet-4-5`)
    /// answer with the upstream model they are routed to.
    func get(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let id = context.parameters.getCatchAll().joined(separator: "/")
        let models: [CatalogueModel]
        switch await self.models() {
        case .success(let list): models = list
        case .failure(let failure): return failure.response()
        }
        if let found = models.first(where: { $0.id == id }) {
            return jsonResponse(info(found), encoder: JSONEncoder())
        }
        let lower = id.lowercased()
        if lower.hasPrefix("claude") || ["haiku", "sonnet", "opus"].contains(where: lower.contains) {
            let target = ModelRouter(config: resolvedTranslation()).route(modelName: id)
            var entry = info(catalogue.model(target) ?? CatalogueModel(id: target))
            entry.id = id
            entry.displayName = "\(id) (served by \(target))"
            return jsonResponse(entry, encoder: JSONEncoder())
        }
        return APIError(.notFound, "model: \(id) is not in the upstream catalogue; GET /v1/models lists the ids").response()
    }

    /// What is known now (refreshed in the background when old), else a fetch.
    private func models() async -> Result<[CatalogueModel], UpstreamFailure> {
        if let known = catalogue.current {
            catalogue.refreshIfStale()
            return .success(known)
        }
        do {
            return .success(try await catalogue.refreshed().models)
        } catch {
            return .failure(error)
        }
    }

    /// The entry in the Anthropic list shape.
    func info(_ model: CatalogueModel) -> ModelInfo {
        let created = Date(timeIntervalSince1970: TimeInterval(model.created ?? 0))
        return ModelInfo(
            id: model.id, displayName: model.id, createdAt: created.formatted(.iso8601),
            maxInputTokens: model.contextLength,
            maxTokens: model.contextLength.map { OutputBudget.maxTokens(window: $0, limit: maxTokensLimit) })
    }
}
