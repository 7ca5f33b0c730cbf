import NIOCore

/// Closes the connection as soon as the client closes its side.
///
/// Hummingbird keeps half-closed connections open and does not tell a running handler that the
/// client left; closing here fires the channel's `closeFuture`, which ``cancelOnDisconnect``
/// turns into task cancellation, so the upstream request stops within milliseconds.
final class ClientDisconnectHandler: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = Any

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// Runs `work` and cancels it when `channel` closes (the client went away).
func cancelOnDisconnect<T: Sendable>(
    _ channel: any Channel, _ work: @escaping @Sendable () async throws -> T
) async throws -> T {
    let task = Task { try await work() }
    channel.closeFuture.whenComplete { _ in task.cancel() }
    return try await withTaskCancellationHandler {
        try await task.value
    } onCancel: {
        task.cancel()
    }
}
