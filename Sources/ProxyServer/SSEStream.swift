import ClaudeAPI
import Foundation
import Hummingbird
import NIOCore
import Upstream

/// Writes Claude stream events as server-sent events, with a `ping` after every
/// `pingInterval` of upstream silence so clients and middleboxes keep the connection.
///
/// A failed write (the client left) ends the pump, and with it the consumption of `events`,
/// which cancels the upstream request.
struct SSEStream: Sendable {
    let events: MessageEventStream
    let pingInterval: Duration
    let encoder: JSONEncoder
    /// The client's connection.
    let channel: any Channel
    /// Called with every event once written, for usage accounting and logs.
    let observe: @Sendable (StreamEvent) -> Void

    private enum Item: Sendable {
        case event(StreamEvent)
        case tick
        case end
        case clientClosed
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        let (items, continuation) = AsyncStream<Item>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { continuation.yield(.event(event)) }
                continuation.yield(.end)
            }
            let registration = ConnectionMonitor.shared.register(channel) { continuation.yield(.clientClosed) }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: pingInterval / 4)
                    continuation.yield(.tick)
                }
            }
            defer {
                ConnectionMonitor.shared.unregister(registration)
                group.cancelAll()
                continuation.finish()
            }
            let clock = ContinuousClock()
            var lastWrite = clock.now
            var wrotePing = false
            loop: for await item in items {
                switch item {
                case .event(let event):
                    try await writer.write(ByteBuffer(data: try event.sseFrame(encoder: encoder)))
                    observe(event)
                    lastWrite = clock.now
                    if case .messageStart = event, !wrotePing {
                        // A ping right after message_start, as Anthropic sends one.
                        try await writer.write(ByteBuffer(data: try StreamEvent.ping.sseFrame(encoder: encoder)))
                        wrotePing = true
                    }
                case .tick:
                    if clock.now - lastWrite >= pingInterval {
                        try await writer.write(ByteBuffer(data: try StreamEvent.ping.sseFrame(encoder: encoder)))
                        lastWrite = clock.now
                    }
                case .end:
                    break loop
                case .clientClosed:
                    throw CancellationError()
                }
            }
        }
        try await writer.finish(nil)
    }
}
