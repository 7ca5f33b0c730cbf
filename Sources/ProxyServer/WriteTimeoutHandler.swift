import Logging
import NIOCore

/// Closes a connection whose client stopped reading: when the connection has stayed unwritable
/// (its send buffers full, see NIO's write watermarks) for `timeout`, it is closed, which ends
/// the response and, through ``ClientDisconnectHandler``, cancels the upstream request. A client
/// that reads, however slowly, makes the connection writable again and restarts the clock.
final class WriteTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(seconds: Double, logger: Logger) {
        self.timeout = .nanoseconds(Int64(max(0.001, seconds) * 1e9))
        self.logger = logger
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            cancelTimer()
        } else if timer == nil {
            let channel = context.channel
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                timer = nil
                guard !channel.isWritable else { return }
                logger.notice(
                    "closing a connection whose client stopped reading",
                    metadata: ["write_timeout": "\(Double(timeout.nanoseconds) / 1e9) s"])
                channel.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
