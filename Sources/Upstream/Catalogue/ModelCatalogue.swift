#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Synchronization

/// The live upstream catalogue (`GET /v1/models?verbose=true`), shared by every face.
///
/// - It starts from the disk cache, when there is one for this upstream, and is refreshed in
///   the background once the cache is older than `maxAge` (a day by default).
/// - Reading what is known (``current``, ``model(_:)``) never waits: it is what the request
///   path uses, so a catalogue that cannot be fetched never blocks or fails a request.
/// - ``models(waitingAtMost:)`` waits a bounded time for a first fetch (start-up summaries,
///   Tab completion); ``refreshed()`` fetches now (`nebius-chat models`).
///
/// ```swift
/// let catalogue = ModelCatalogue(baseURL: config.baseURL, cacheFile: path, logger: logger) {
///     try await client.catalogue()
/// }
/// let models = await catalogue.models(waitingAtMost: .seconds(3))
/// ```
public final class ModelCatalogue: Sendable {
    public typealias Fetch = @Sendable () async throws(UpstreamFailure) -> [CatalogueModel]

    private let fetch: Fetch
    private let baseURL: String
    private let disk: CatalogueDiskCache?
    private let maxAge: Double
    private let now: @Sendable () -> Double
    private let logger: Logger
    private let state: Mutex<State>

    private struct State: Sendable {
        var models: [CatalogueModel]?
        var byID: [String: CatalogueModel] = [:]
        /// Unix seconds of the fetch the models come from.
        var fetchedAt: Double?
        /// Goes up by one whenever the models change.
        var generation = 0
        var refresh: Task<[CatalogueModel]?, Never>?
    }

    /// - Parameters:
    ///   - cacheFile: where the catalogue is kept between runs; `nil` keeps it in memory only.
    ///   - maxAge: seconds after which a cached catalogue is refreshed in the background.
    ///   - now: the clock, in Unix seconds (tests).
    public init(
        baseURL: String, cacheFile: String?, maxAge: Double = 86_400, logger: Logger,
        now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        fetch: @escaping Fetch
    ) {
        self.fetch = fetch
        self.baseURL = baseURL
        self.disk = cacheFile.map(CatalogueDiskCache.init(path:))
        self.maxAge = maxAge
        self.now = now
        self.logger = logger
        var initial = State()
        if let cached = disk?.load(baseURL: baseURL) {
            initial.models = cached.models
            initial.byID = Self.index(cached.models)
            initial.fetchedAt = cached.fetchedAt
            initial.generation = 1
        }
        state = Mutex(initial)
    }

    /// A catalogue that is always `models` (tests, and faces given a fixed list).
    public static func fixed(_ models: [CatalogueModel], logger: Logger = Logger(label: "nebius-chat")) -> ModelCatalogue {
        let catalogue = ModelCatalogue(baseURL: "", cacheFile: nil, maxAge: .infinity, logger: logger) { models }
        catalogue.store(models)
        return catalogue
    }

    // MARK: What is known now

    /// The models known now (cached or fetched), without waiting; `nil` before any.
    public var current: [CatalogueModel]? { state.withLock { $0.models } }

    /// The entry for `id`, if the catalogue is known and lists it.
    public func model(_ id: String) -> CatalogueModel? { state.withLock { $0.byID[id] } }

    /// Changes whenever the models do: a cheap test for "has anything changed".
    public var generation: Int { state.withLock { $0.generation } }

    /// Whether the known models are older than `maxAge` (or there are none).
    public var isStale: Bool {
        state.withLock { state in
            guard let fetchedAt = state.fetchedAt else { return true }
            return now() - fetchedAt > maxAge
        }
    }

    // MARK: Fetching

    /// The models, waiting at most `wait` for a fetch when none is known; a stale catalogue is
    /// returned at once and refreshed in the background. `nil` when nothing could be had.
    public func models(waitingAtMost wait: Duration) async -> [CatalogueModel]? {
        if let known = current {
            if isStale { refreshInBackground() }
            return known
        }
        let refresh = startRefresh()
        let (first, continuation) = AsyncStream<[CatalogueModel]?>.makeStream()
        Task { continuation.yield(await refresh.value); continuation.finish() }
        let timer = Task {
            try? await Task.sleep(for: wait)
            continuation.yield(nil)
            continuation.finish()
        }
        var iterator = first.makeAsyncIterator()
        let models = await iterator.next() ?? nil
        timer.cancel()
        return models ?? current
    }

    /// Starts a background refresh when the models are stale; returns at once.
    public func refreshIfStale() {
        if isStale { refreshInBackground() }
    }

    /// Fetches the catalogue now. When the upstream cannot be asked, the cached models are
    /// returned with `fromCache` set; with no cache either, the failure is thrown.
    public func refreshed() async throws(UpstreamFailure) -> (models: [CatalogueModel], fromCache: Bool) {
        do {
            let models = try await fetch()
            store(models)
            return (models, false)
        } catch {
            if let known = current { return (known, true) }
            throw error
        }
    }

    private func refreshInBackground() {
        _ = startRefresh()
    }

    /// The running refresh, or a new one.
    private func startRefresh() -> Task<[CatalogueModel]?, Never> {
        state.withLock { locked in
            if let running = locked.refresh { return running }
            let task = Task { [self] () -> [CatalogueModel]? in
                defer { state.withLock { $0.refresh = nil } }
                do throws(UpstreamFailure) {
                    let models = try await fetch()
                    store(models)
                    return models
                } catch {
                    logger.debug("the upstream catalogue could not be fetched", metadata: ["error": "\(error.error.message)"])
                    return nil
                }
            }
            locked.refresh = task
            return task
        }
    }

    /// Keeps `models` in memory and on disk.
    func store(_ models: [CatalogueModel]) {
        let fetchedAt = now()
        state.withLock { state in
            if state.models != models { state.generation += 1 }
            state.models = models
            state.byID = Self.index(models)
            state.fetchedAt = fetchedAt
        }
        guard let disk else { return }
        do {
            try disk.save(.init(baseURL: baseURL, fetchedAt: fetchedAt, models: models))
        } catch {
            logger.debug("the catalogue cache could not be written", metadata: ["path": "\(disk.path)", "error": "\(error)"])
        }
    }

    private static func index(_ models: [CatalogueModel]) -> [String: CatalogueModel] {
        Dictionary(models.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
