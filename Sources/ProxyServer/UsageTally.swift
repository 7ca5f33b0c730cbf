import ClaudeAPI
import Synchronization

/// Collects, from the events a stream sent, what the request log line reports.
final class UsageTally: Sendable {
    private struct State {
        var inputTokens = 0
        var outputTokens = 0
        var error: APIError?
        var clientLeft = false
    }

    private let state = Mutex(State())

    func observe(_ event: StreamEvent) {
        state.withLock { state in
            switch event {
            case .messageStart(let message):
                state.inputTokens = message.usage.inputTokens + message.usage.cacheReadInputTokens
            case .messageDelta(_, _, let usage):
                if usage.inputTokens > 0 { state.inputTokens = usage.inputTokens + usage.cacheReadInputTokens }
                state.outputTokens = usage.outputTokens
            case .error(let error):
                state.error = error
            default:
                break
            }
        }
    }

    var summary: (Int, Int) { state.withLock { ($0.inputTokens, $0.outputTokens) } }
    var error: APIError? { state.withLock { $0.error } }
    var clientLeft: Bool {
        get { state.withLock { $0.clientLeft } }
        set { state.withLock { $0.clientLeft = newValue } }
    }
}
