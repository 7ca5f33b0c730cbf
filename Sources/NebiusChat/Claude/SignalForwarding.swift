import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// Catches `signals` sent to this process and hands each to `forward`, until cancelled; the
/// default action (ending this process) is suspended meanwhile.
final class SignalForwarding {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]

    init(signals: [Int32], forward: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { forward(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
}
