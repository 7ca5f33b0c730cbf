import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns SIGINT for the process: Ctrl-C runs the handler of whatever is in progress (cancelling a
/// streamed answer) instead of killing the program. With nothing in progress it is ignored;
/// at the prompt the line editor turns Ctrl-C into a key instead.
///
/// ```swift
/// let monitor = InterruptMonitor()
/// let task = Task { await runner.run(request, renderer: renderer) }
/// let outcome = await monitor.whileArmed(onInterrupt: { task.cancel() }) { await task.value }
/// ```
public final class InterruptMonitor: @unchecked Sendable {
    // @unchecked: `source` is set once in init and only resumed/cancelled there and in deinit;
    // the mutable state is behind `handler`'s lock.
    private let source: any DispatchSourceSignal
    private let shared = Shared()

    private final class Shared: Sendable {
        let handler = Mutex<(@Sendable () -> Void)?>(nil)
        let count = Atomic<Int>(0)
    }

    public init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [shared] in
            shared.count.add(1, ordering: .relaxed)
            let action = shared.handler.withLock { $0 }
            action?()
        }
        source.resume()
    }

    deinit {
        source.cancel()
    }

    /// How many times Ctrl-C was pressed so far.
    public var interrupts: Int { shared.count.load(ordering: .relaxed) }

    /// Runs `body` with `onInterrupt` called on each Ctrl-C meanwhile.
    public func whileArmed<T: Sendable>(onInterrupt: @escaping @Sendable () -> Void, _ body: () async -> T) async -> T {
        shared.handler.withLock { $0 = onInterrupt }
        defer { shared.handler.withLock { $0 = nil } }
        return await body()
    }
}
