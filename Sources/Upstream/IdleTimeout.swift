import NIOCore
import NIOPosix
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
///
/// The timer is one scheduled callback on an event loop, moved on when it finds the request
/// alive (not a sleeping task per request); `operation` runs in one child task.
func withIdleTimeout<T: Sendable>(
    _ seconds: Double,
    heartbeat: IdleHeartbeat? = nil,
    _ operation: @escaping @Sendable (IdleWatchdog) async throws -> T
) async throws -> T {
    let watchdog = IdleWatchdog()
    let task = Task(executorPreference: EventLoopTaskExecutor.preferred) { try await operation(watchdog) }
    let timer = IdleTimer(watchdog: watchdog, seconds: seconds, heartbeat: heartbeat) { task.cancel() }
    let result = await withTaskCancellationHandler {
        await task.result
    } onCancel: {
        task.cancel()
    }
    timer.stop()
    if timer.fired { throw IdleTimeoutError() }
    return try result.get()
}

/// The timer of ``withIdleTimeout(_:heartbeat:_:)``: wakes at the idle deadline or the next
/// heartbeat, whichever is first; calls `expire` once when the deadline passed in silence.
final class IdleTimer: Sendable {
    private struct State {
        var scheduled: Scheduled<Void>?
        var stopped = false
        var fired = false
        var lastBeat = ContinuousClock.now
    }

    private let state = Mutex(State())
    private let watchdog: IdleWatchdog
    private let timeout: Duration
    private let heartbeat: IdleHeartbeat?
    private let expire: @Sendable () -> Void
    private let eventLoop: any EventLoop

    init(watchdog: IdleWatchdog, seconds: Double, heartbeat: IdleHeartbeat?, expire: @escaping @Sendable () -> Void) {
        self.watchdog = watchdog
        self.timeout = .nanoseconds(Int64(max(0.001, seconds) * 1e9))
        self.heartbeat = heartbeat
        self.expire = expire
        self.eventLoop = MultiThreadedEventLoopGroup.singleton.any()  // this thread's loop when on one: no wake-up of another
        schedule(at: wakeTime(now: .now))
    }

    /// Whether the deadline passed (and `expire` was called).
    var fired: Bool { state.withLock { $0.fired } }

    /// No more wake-ups.
    func stop() {
        let scheduled = state.withLock { state -> Scheduled<Void>? in
            state.stopped = true
            defer { state.scheduled = nil }
            return state.scheduled
        }
        scheduled?.cancel()
    }

    private func wakeTime(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let lastActivity = watchdog.lastActivity
        var wake = lastActivity + timeout
        if let heartbeat {
            let lastBeat = state.withLock { $0.lastBeat }
            wake = min(wake, max(lastActivity, lastBeat) + heartbeat.interval)
        }
        return wake
    }

    private func schedule(at wake: ContinuousClock.Instant) {
        let delay = wake - ContinuousClock.now
        let nanoseconds = max(0, delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000)
        state.withLock { state in
            guard !state.stopped else { return }
            state.scheduled = eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { [self] in tick() }
        }
    }

    private func tick() {
        let now = ContinuousClock.now
        let lastActivity = watchdog.lastActivity
        if now >= lastActivity + timeout {
            let expires = state.withLock { state -> Bool in
                guard !state.stopped, !state.fired else { return false }
                state.fired = true
                return true
            }
            if expires { expire() }
            return
        }
        if let heartbeat {
            let beat = state.withLock { state -> Bool in
                guard !state.stopped, now >= max(lastActivity, state.lastBeat) + heartbeat.interval else { return false }
                state.lastBeat = now
                return true
            }
            if beat { heartbeat.beat() }
        }
        schedule(at: wakeTime(now: now))
    }
}
