import NIOCore
import NIOPosix

/// Runs Swift tasks on NIO's event loops instead of Swift's global pool: on the loop that
/// enqueues a job when that is one (a channel resuming the task that reads it), else on the
/// next one. A request then stays on the thread of its connections: no wake-up of another
/// thread between a socket read and the code that handles it.
///
/// `serve` runs under it (``withTaskExecutorPreference(_:operation:)``, inherited by child
/// tasks); the few unstructured tasks of a request take ``preferred`` explicitly.
///
/// (NIO's own way, `NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`,
/// finds the runtime's hook with `dlsym`, which fails in a binary linked with the static Swift runtime.)
public final class EventLoopTaskExecutor: TaskExecutor {
    public static let shared = EventLoopTaskExecutor(group: MultiThreadedEventLoopGroup.singleton)

    private let group: MultiThreadedEventLoopGroup

    init(group: MultiThreadedEventLoopGroup) {
        self.group = group
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        group.any().execute { job.runSynchronously(on: executor) }
    }

    /// The executor a task started by a request should prefer: this one while the request runs
    /// on it, none (Swift's global pool) otherwise.
    public static var preferred: EventLoopTaskExecutor? {
        MultiThreadedEventLoopGroup.currentEventLoop == nil ? nil : shared
    }
}
