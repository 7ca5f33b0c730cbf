import ClaudeAPI
import Synchronization

/// What `/metrics` wants from a streamed answer beyond the log line's figures: the cached input
/// tokens, and when the first content delta was written to the client.
///
/// Called for every event written; after the first delta, events other than the usage ones
/// cost one atomic load.
final class StreamFigures: Sendable {
    private struct State {
        var cachedTokens = 0
        var firstToken: ContinuousClock.Instant?
    }

    private let sawToken = Atomic<Bool>(false)
    private let state = Mutex(State())

    func observe(_ event: StreamEvent) {
        switch event {
        case .messageStart(let message):
            state.withLock { $0.cachedTokens = message.usage.cacheReadInputTokens }
        case .messageDelta(_, _, let usage) where usage.inputTokens > 0:
            // The final usage, when the upstream sends it at the end (as UsageTally reads it).
            state.withLock { $0.cachedTokens = usage.cacheReadInputTokens }
        case .contentBlockDelta:
            guard !sawToken.load(ordering: .relaxed) else { return }
            sawToken.store(true, ordering: .relaxed)
            let now = ContinuousClock.now
            state.withLock { $0.firstToken = now }
        default:
            break
        }
    }

    /// Puts the figures on the request's log line; `started` is when the request arrived.
    func fill(_ line: inout RequestLogLine, started: ContinuousClock.Instant) {
        let state = state.withLock { $0 }
        line.cachedTokens = state.cachedTokens
        line.firstToken = state.firstToken.map { $0 - started }
    }
}
