import ClaudeAPI
import Foundation
import OpenAIAPI
import Upstream

/// The upstream model list, fetched on demand and kept for a minute.
actor ModelCatalogue {
    typealias Fetch = @Sendable () async throws -> [UpstreamModel]
    private let fetch: Fetch
    private var cached: (models: [UpstreamModel], at: ContinuousClock.Instant)?
    private let lifetime: Duration = .seconds(60)

    init(fetch: @escaping Fetch) {
        self.fetch = fetch
    }

    func models() async throws(UpstreamFailure) -> [UpstreamModel] {
        if let cached, ContinuousClock.now - cached.at < lifetime { return cached.models }
        do {
            let models = try await fetch()
            cached = (models, .now)
            return models
        } catch let failure as UpstreamFailure {
            throw failure
        } catch {
            throw UpstreamFailure(APIError(.api, "The upstream model list could not be read: \(error)"))
        }
    }

    /// The upstream entry in the Anthropic list shape.
    static func info(_ model: UpstreamModel) -> ModelInfo {
        let created = Date(timeIntervalSince1970: TimeInterval(model.created ?? 0))
        return ModelInfo(id: model.id, displayName: model.id, createdAt: created.formatted(.iso8601))
    }
}
