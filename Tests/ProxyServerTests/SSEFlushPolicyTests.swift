import Testing

@testable import ProxyServer

@Suite("SSE flush policy")
struct SSEFlushPolicyTests {
    @Test("a small streamed answer goes out in two flushes: head with the first events and delta, the end with the terminating chunk")
    func smallStream() {
        var policy = SSEFlushPolicy()
        policy.wrote(.head(eventStream: true))
        #expect(policy.flush() == .hold)  // the head waits
        policy.wrote(.body(empty: false))  // message_start + ping
        #expect(policy.flush() == .flushAfterWindow)
        policy.wrote(.body(empty: false))  // the first delta, within the window
        #expect(policy.flush() == .flush)
        #expect(policy.windowElapsed() == .hold)  // the timer finds nothing to do
        policy.wrote(.body(empty: false))  // more deltas: flushed once the loop's queued writes are done
        #expect(policy.flush() == .flushSoon)
        policy.wrote(.body(empty: false))  // the closing events
        policy.wrote(.body(empty: true))  // the end marker
        #expect(policy.flush() == .hold)
        policy.wrote(.end)
        #expect(policy.flush() == .flush)
    }

    @Test("a slow first delta does not hold message_start beyond the window")
    func slowFirstDelta() {
        var policy = SSEFlushPolicy()
        policy.wrote(.head(eventStream: true))
        #expect(policy.flush() == .hold)
        policy.wrote(.body(empty: false))
        #expect(policy.flush() == .flushAfterWindow)
        #expect(policy.windowElapsed() == .flush)
        policy.wrote(.body(empty: false))  // later deltas and pings flush within the loop's turn
        #expect(policy.flush() == .flushSoon)
        policy.wrote(.body(empty: false))
        #expect(policy.flush() == .flushSoon)
        policy.wrote(.end)
        #expect(policy.flush() == .flush)
    }

    @Test("other responses flush as they are written")
    func otherResponses() {
        var policy = SSEFlushPolicy()
        policy.wrote(.head(eventStream: false))
        policy.wrote(.body(empty: false))
        policy.wrote(.end)
        #expect(policy.flush() == .flush)
        policy.wrote(.head(eventStream: false))
        #expect(policy.flush() == .flush)
        policy.wrote(.body(empty: false))
        #expect(policy.flush() == .flush)
        policy.wrote(.body(empty: true))  // an empty part is no end marker here
        #expect(policy.flush() == .flush)
    }

    @Test("the next response on the connection starts afresh")
    func nextResponse() {
        var policy = SSEFlushPolicy()
        policy.wrote(.head(eventStream: true))
        #expect(policy.flush() == .hold)
        policy.wrote(.end)  // an empty stream
        #expect(policy.flush() == .flush)
        policy.wrote(.head(eventStream: false))
        #expect(policy.flush() == .flush)
    }

    @Test("a close sends what is held first")
    func closing() {
        var policy = SSEFlushPolicy()
        #expect(policy.closing() == .hold)  // nothing held
        policy.wrote(.head(eventStream: true))
        #expect(policy.flush() == .hold)
        #expect(policy.closing() == .flush)
        policy.wrote(.head(eventStream: true))
        policy.wrote(.body(empty: false))
        _ = policy.flush()
        #expect(policy.closing() == .flush)  // the window was open
    }
}
