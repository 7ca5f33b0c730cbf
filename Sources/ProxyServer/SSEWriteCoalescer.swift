import HummingbirdCore
import NIOCore

/// Applies ``SSEFlushPolicy`` to a connection's responses: holds or delays flushes so that an
/// event stream's head, first events and first delta go out in one socket write, and its closing
/// events with the terminating chunk in another; events written in one turn of the event loop
/// share a write. Runs on the connection's event loop; other responses pass unchanged.
final class SSEWriteCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPConnectionStateHandler.OutboundIn
    typealias OutboundOut = HTTPConnectionStateHandler.OutboundIn

    private var policy = SSEFlushPolicy()
    private var windowTimer: Scheduled<Void>?
    private var flushQueued = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            let type = head.headerFields[.contentType] ?? ""
            policy.wrote(.head(eventStream: type.hasPrefix("text/event-stream")))
        case .body(let buffer):
            policy.wrote(.body(empty: buffer.readableBytes == 0))
        case .end:
            policy.wrote(.end)
        }
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        switch policy.flush() {
        case .flush:
            cancelWindow()
            context.flush()
        case .hold:
            break
        case .flushSoon:
            guard !flushQueued else { return }
            flushQueued = true
            context.eventLoop.assumeIsolated().execute { [self] in
                flushQueued = false
                context.flush()
            }
        case .flushAfterWindow:
            cancelWindow()
            let nanoseconds = SSEFlushPolicy.startWindow.components.attoseconds / 1_000_000_000
            windowTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) { [self] in
                windowTimer = nil
                if policy.windowElapsed() == .flush { context.flush() }
            }
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        cancelWindow()
        if policy.closing() == .flush { context.flush() }  // what waits goes out before the close
        context.close(mode: mode, promise: promise)
    }

    private func cancelWindow() {
        windowTimer?.cancel()
        windowTimer = nil
    }
}
