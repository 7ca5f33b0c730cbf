import CMemory
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Requests in progress, and when the last one ended.
final class RequestActivity: Sendable {
    private struct State {
        var inFlight = 0
        var lastEnd: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    /// A request started; it counts as running until the returned token is released.
    func begin() -> Token {
        state.withLock { $0.inFlight += 1 }
        return Token(activity: self)
    }

    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Whether memory is worth giving back at `now`: nothing runs, and the last request ended
    /// at most `window` ago (after that, nothing more was freed).
    func isIdleAfterWork(now: ContinuousClock.Instant = .now, window: Duration) -> Bool {
        state.withLock { state in
            guard state.inFlight == 0, let lastEnd = state.lastEnd else { return false }
            return now - lastEnd <= window
        }
    }

    fileprivate func end() {
        state.withLock {
            $0.inFlight -= 1
            $0.lastEnd = .now
        }
    }

    /// Ends its request when released, however the request ended (written, failed, or dropped
    /// with its connection).
    final class Token: Sendable {
        let activity: RequestActivity
        init(activity: RequestActivity) { self.activity = activity }
        deinit { activity.end() }
    }
}

/// Counts each request as running until its response body has been written (or dropped).
struct ActivityTracking: RouterMiddleware {
    typealias Context = ProxyRequestContext
    let activity: RequestActivity

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let token = activity.begin()
        var response = try await next(request, context)
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(writer)
            withExtendedLifetime(token) {}
        }
        return response
    }
}

/// Gives freed memory back to the system while the proxy is idle after work.
///
/// glibc's allocator keeps what a burst of streams freed (a 1,000-stream minute leaves ~115 MB
/// resident, ~46 MB after a trim); a proxy that sits idle in a terminal all day should not.
/// Checks every `interval`; trims when no request runs and the last one ended at most 90 s ago,
/// so that the upstream connections the pool closes after 60 s idle are given back too.
struct MemoryTrimmer: Service {
    let activity: RequestActivity
    let interval: Duration
    let logger: Logger
    static let window = Duration.seconds(90)

    /// Returns at graceful shutdown (or cancellation), without an error.
    func run() async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                guard activity.isIdleAfterWork(window: Self.window + interval) else { continue }
                guard logger.logLevel <= .debug else {
                    _ = cmem_trim()
                    continue
                }
                let before = ResidentMemory.megabytes()
                _ = cmem_trim()
                if let before, let after = ResidentMemory.megabytes() {
                    logger.debug("idle: memory given back", metadata: ["rss_mb": "\(before) -> \(after)"])
                }
            }
        }
    }
}

/// The resident set size of this process, from `/proc/self/statm` (Linux).
enum ResidentMemory {
    static func megabytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / (1024 * 1024)
    }
}
