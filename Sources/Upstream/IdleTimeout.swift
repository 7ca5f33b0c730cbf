import Synchronization

/// Records the last sign of life of a request; see ``withIdleTimeout(_:heartbeat:_:)``.
final class IdleWatchdog: Sendable {
    private struct State {
        var last = ContinuousClock.now
        var paused = false
    }

    private let state = Mutex(State())

    /// Something arrived: the idle time starts again.
    func touch() {
        state.withLock { $0.last = .now }
    }

    /// The last sign of life; now while paused.
    var lastActivity: ContinuousClock.Instant {
        state.withLock { $0.paused ? .now : $0.last }
    }

    /// Runs `body` with the clock stopped: waiting on our own consumer is not upstream silence.
    func paused(_ body: () async -> Void) async {
        state.withLock { $0.paused = true }
        await body()
        state.withLock {
            $0.paused = false
            $0.last = .now
        }
    }
}

/// What to do after every `interval` of silence (shorter than the idle timeout).
struct IdleHeartbeat: Sendable {
    var interval: Duration
    var beat: @Sendable () -> Void
}

/// Thrown by ``withIdleTimeout(_:heartbeat:_:)`` when nothing happened for too long.
struct IdleTimeoutError: Error {}

/// Runs `operation`, cancelling it and throwing ``IdleTimeoutError`` when it goes `seconds`
/// without calling ``IdleWatchdog/touch()``. An idle timeout, not a deadline: a long answer
/// that keeps streaming is never cut. The same timer calls `heartbeat` after every
/// `heartbeat.interval` of silence, so a quiet request costs no other task.
func withIdleTimeout<T: Sendable>(
    _ seconds: Double,
    heartbeat: IdleHeartbeat? = nil,
    _ operation: @escaping @Sendable (IdleWatchdog) async throws -> T
) async throws -> T {
    let watchdog = IdleWatchdog()
    let timeout = Duration.nanoseconds(Int64(max(0.001, seconds) * 1e9))
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation(watchdog) }
        group.addTask {
            var lastBeat = ContinuousClock.now
            while true {
                let lastActivity = watchdog.lastActivity
                let quietSince = max(lastActivity, lastBeat)
                let deadline = lastActivity + timeout
                let now = ContinuousClock.now
                if now >= deadline { throw IdleTimeoutError() }
                var wake = deadline
                if let heartbeat {
                    let beatAt = quietSince + heartbeat.interval
                    if now >= beatAt {
                        heartbeat.beat()
                        lastBeat = now
                        continue
                    }
                    wake = min(wake, beatAt)
                }
                try await Task.sleep(until: wake, clock: .continuous)
            }
        }
        defer { group.cancelAll() }
        while let result = try await group.next() {
            if let value = result { return value }
        }
        throw CancellationError()
    }
}
