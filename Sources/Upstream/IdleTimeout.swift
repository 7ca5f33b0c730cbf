import Synchronization

/// Records the last sign of life of a request; see ``withIdleTimeout(_:_:)``.
final class IdleWatchdog: Sendable {
    private let last = Mutex(ContinuousClock.now)

    /// Something arrived: the idle time starts again.
    func touch() {
        last.withLock { $0 = .now }
    }

    var lastActivity: ContinuousClock.Instant { last.withLock { $0 } }
}

/// Thrown by ``withIdleTimeout(_:_:)`` when nothing happened for too long.
struct IdleTimeoutError: Error {}

/// Runs `operation`, cancelling it and throwing ``IdleTimeoutError`` when it goes `seconds`
/// without calling ``IdleWatchdog/touch()``. An idle timeout, not a deadline: a long answer
/// that keeps streaming is never cut.
func withIdleTimeout<T: Sendable>(
    _ seconds: Double,
    _ operation: @escaping @Sendable (IdleWatchdog) async throws -> T
) async throws -> T {
    let watchdog = IdleWatchdog()
    let timeout = Duration.nanoseconds(Int64(max(0.001, seconds) * 1e9))
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation(watchdog) }
        group.addTask {
            while true {
                let deadline = watchdog.lastActivity + timeout
                if ContinuousClock.now >= deadline { throw IdleTimeoutError() }
                try await Task.sleep(until: deadline, clock: .continuous)
            }
        }
        defer { group.cancelAll() }
        while let result = try await group.next() {
            if let value = result { return value }
        }
        throw CancellationError()
    }
}
