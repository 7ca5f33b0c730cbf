import ClaudeAPI
import Foundation
import Hummingbird
import NIOCore
import Upstream

/// Writes Claude stream events as server-sent events: the events of one upstream chunk in one
/// write, a `ping` right after `message_start`, and a `ping` for every silence the stream
/// reports (its heartbeat), so clients and middleboxes keep the connection. The last batch is
/// followed by an empty part, the end marker ``SSEFlushPolicy`` holds the flush on.
///
/// When the client leaves, the stream is cancelled (which cancels the upstream request) and
/// the write throws.
struct SSEStream: Sendable {
    let events: MessageEventStream
    /// Encodes what the fast path cannot (see `StreamEvent.sseFrame(encoder:)`).
    let encoder: JSONEncoder
    /// The client's connection.
    let channel: any Channel
    /// Called with every event once written, for usage accounting and logs.
    let observe: @Sendable (StreamEvent) -> Void

    func write(to writer: inout any ResponseBodyWriter) async throws {
        let registration = ConnectionMonitor.shared.register(channel) { [events] in events.cancel() }
        defer { ConnectionMonitor.shared.unregister(registration) }
        let ping = try frame(.ping)
        var pinged = false
        var batches = events.makeBatchIterator()
        while let batch = await batches.next() {
            if events.isCancelled { break }
            var buffer = channel.allocator.buffer(capacity: batch.isEmpty ? ping.count : 256 * batch.count)
            if batch.isEmpty { buffer.writeBytes(ping) }
            for event in batch {
                buffer.writeBytes(try frame(event))
                if case .messageStart = event, !pinged {
                    // A ping right after message_start, as Anthropic sends one.
                    buffer.writeBytes(ping)
                    pinged = true
                }
            }
            if let last = batch.last, last.endsStream {
                // The end marker (an empty part): the closing events wait for the terminating
                // chunk, one socket write for both (SSEWriteCoalescer).
                try await writer.write(contentsOf: [buffer, ByteBuffer()])
            } else {
                try await writer.write(buffer)
            }
            for event in batch { observe(event) }
        }
        if events.isCancelled { throw CancellationError() }
        try await writer.finish(nil)
    }

    private func frame(_ event: StreamEvent) throws -> [UInt8] {
        if let bytes = event.sseFrameBytes(escapingSlashes: false) { return bytes }
        return Array(try event.sseFrame(encoder: encoder))
    }
}

extension StreamEvent {
    /// `message_stop` or `error`: nothing follows.
    var endsStream: Bool {
        switch self {
        case .messageStop, .error: true
        default: false
        }
    }
}
