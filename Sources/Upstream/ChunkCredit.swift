import Synchronization

/// Backpressure between the upstream reader and the consumer of its chunks: the reader waits
/// while `limit` chunks are waiting to be consumed, so a client that stops reading stops the
/// upstream read too (and TCP slows the upstream) instead of piling the answer up in memory.
final class ChunkCredit: Sendable {
    let limit: Int

    private struct State {
        var buffered = 0
        var cancelled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Chunks handed to the consumer and not taken yet.
    var buffered: Int { state.withLock { $0.buffered } }

    func produced() {
        state.withLock { $0.buffered += 1 }
    }

    /// The consumer took one; wakes the reader once half the room is free again.
    func consumed() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.buffered -= 1
            guard state.buffered <= limit / 2 else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns at once while there is room; otherwise when the consumer has caught up, or the
    /// reading task is cancelled.
    func waitForRoom() async {
        if state.withLock({ $0.buffered < limit || $0.cancelled }) { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.buffered < limit || state.cancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.cancelled = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
