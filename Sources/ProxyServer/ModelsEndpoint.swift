import ClaudeAPI
import Foundation
import Hummingbird
import Logging
import Translation

/// `GET /v1/models` and `GET /v1/models/{id}`, from the upstream catalogue.
struct ModelsEndpoint: Sendable {
    let catalogue: ModelCatalogue
    let router: ModelRouter
    let logger: Logger

    func list(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        do {
            let models = try await catalogue.models()
            return jsonResponse(ModelList(data: models.map(ModelCatalogue.info)), encoder: JSONEncoder())
        } catch {
            logger.warning("GET /v1/models failed: \(error.error.message)")
            return error.response()
        }
    }

    /// One model by id. Ids hold slashes (`zai-org/GLM-4.7-FP8`); Claude names (`claude-sonnet-4-5`)
    /// answer with the upstream model they are routed to.
    func get(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let id = context.parameters.getCatchAll().joined(separator: "/")
        let models: [ClaudeAPI.ModelInfo]
        do {
            models = try await catalogue.models().map(ModelCatalogue.info)
        } catch {
            return error.response()
        }
        if let found = models.first(where: { $0.id == id }) {
            return jsonResponse(found, encoder: JSONEncoder())
        }
        let lower = id.lowercased()
        if lower.hasPrefix("claude") || ["haiku", "sonnet", "opus"].contains(where: lower.contains) {
            let target = router.route(modelName: id)
            let info = ModelInfo(id: id, displayName: "\(id) (served by \(target))", createdAt: "2025-01-01T00:00:00Z")
            return jsonResponse(info, encoder: JSONEncoder())
        }
        return APIError(.notFound, "model: \(id) is not in the upstream catalogue; GET /v1/models lists the ids").response()
    }
}
