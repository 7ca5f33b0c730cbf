import NIOCore
import Upstream
import Synchronization

/// Closes the connection as soon as the client closes its side, and tells ``ConnectionMonitor``
/// when a connection is gone.
///
/// Hummingbird keeps half-closed connections open and does not tell a running handler that the
/// client left; this handler turns both into a call of the hooks registered for the connection,
/// so the upstream request stops within milliseconds.
final class ClientDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = Any

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ConnectionMonitor.shared.connectionClosed(ObjectIdentifier(context.channel))
        context.fireChannelInactive()
    }
}

/// Hooks to run when a client connection closes, registered per request and removed when the
/// request ends. (Registering on the channel's `closeFuture` instead would pile up one callback
/// per request on a keep-alive connection until it closes.)
final class ConnectionMonitor: Sendable {
    static let shared = ConnectionMonitor()

    struct Registration: Sendable {
        fileprivate let connection: ObjectIdentifier
        fileprivate let id: UInt64
    }

    private struct State {
        var nextID: UInt64 = 0
        var hooks: [ObjectIdentifier: [UInt64: @Sendable () -> Void]] = [:]
    }

    private let state = Mutex(State())

    /// Registers `hook` for `channel`'s closing. A connection that closed in the microseconds
    /// before a request registers is not noticed here; the first write to it fails instead.
    func register(_ channel: any Channel, _ hook: @escaping @Sendable () -> Void) -> Registration {
        let connection = ObjectIdentifier(channel)
        return state.withLock { state in
            state.nextID += 1
            state.hooks[connection, default: [:]][state.nextID] = hook
            return Registration(connection: connection, id: state.nextID)
        }
    }

    func unregister(_ registration: Registration) {
        state.withLock { state in
            state.hooks[registration.connection]?[registration.id] = nil
            if state.hooks[registration.connection]?.isEmpty == true { state.hooks[registration.connection] = nil }
        }
    }

    func connectionClosed(_ connection: ObjectIdentifier) {
        let hooks = state.withLock { $0.hooks.removeValue(forKey: connection) }
        for hook in hooks?.values ?? [:].values { hook() }
    }
}

/// Runs `work` and cancels it when `channel` closes (the client went away).
func cancelOnDisconnect<T: Sendable>(
    _ channel: any Channel, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    let task = Task(executorPreference: EventLoopTaskExecutor.preferred) { try await work() }
    let registration = ConnectionMonitor.shared.register(channel) { task.cancel() }
    defer { ConnectionMonitor.shared.unregister(registration) }
    return try await withTaskCancellationHandler {
        try await task.value
    } onCancel: {
        task.cancel()
    }
}
