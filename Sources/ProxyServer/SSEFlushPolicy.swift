/// When the writes of an event-stream response go to the socket: fewer, larger writes for the
/// same bytes. Every flush is a system call, and on loopback it also pays for the reader's TCP
/// processing, so a small streamed answer sent as five writes costs several times one.
///
/// - The head waits for the first body write (`message_start` and its `ping`).
/// - That first write waits up to ``startWindow`` for the next one (the first delta), which a
///   fast upstream has ready microseconds later; a slow one does not hold up `message_start`
///   longer than the window.
/// - A body write followed by the end marker (an empty body part, see ``SSEStream``) waits for
///   the end of the response: the closing events and the terminating chunk go out together.
///
/// - Later events flush at the end of the event loop's turn: events written meanwhile (a
///   burst of upstream chunks) share one socket write.
///
/// Other responses are flushed as they are written. A value, driven by ``SSEWriteCoalescer``.
struct SSEFlushPolicy: Equatable {
    /// How long the first events wait for the first delta.
    static let startWindow = Duration.milliseconds(2)

    enum Part: Equatable {
        /// A response head; `eventStream` for `text/event-stream`.
        case head(eventStream: Bool)
        /// A body part; an empty one is the end marker.
        case body(empty: Bool)
        case end
    }

    enum Action: Equatable {
        /// Flush now (cancelling a pending timed flush).
        case flush
        /// Keep the bytes; a later flush sends them.
        case hold
        /// Flush after ``startWindow`` unless a flush comes first.
        case flushAfterWindow
        /// Flush once the writes already queued on the event loop are done.
        case flushSoon
    }

    private enum State: Equatable {
        /// Not in an event stream: flushes pass.
        case passing
        /// In an event stream, past its first events.
        case streaming
        /// The head of an event stream was written and not flushed.
        case headWritten
        /// The first body write came after the head.
        case firstBodyWritten
        /// Its flush waits for the window.
        case windowOpen
        /// The end marker came: hold until the end.
        case ending
    }

    private var state = State.passing

    /// Notes a part written.
    mutating func wrote(_ part: Part) {
        switch (part, state) {
        case (.head(let eventStream), _):
            state = eventStream ? .headWritten : .passing
        case (.body(empty: true), .passing):
            break  // not an event stream: no marker
        case (.body(empty: true), _):
            state = .ending
        case (.body(empty: false), .headWritten):
            state = .firstBodyWritten
        case (.body(empty: false), .firstBodyWritten), (.body(empty: false), .windowOpen),
             (.body(empty: false), .streaming):
            break  // goes out with the flush that is due
        case (.body(empty: false), _), (.end, _):
            state = .passing
        }
    }

    /// What to do with a flush.
    mutating func flush() -> Action {
        switch state {
        case .passing:
            return .flush
        case .streaming:
            return .flushSoon
        case .headWritten, .ending:
            return .hold
        case .firstBodyWritten:
            state = .windowOpen
            return .flushAfterWindow
        case .windowOpen:
            state = .streaming
            return .flush
        }
    }

    /// The connection closes: whatever is held goes out first.
    mutating func closing() -> Action {
        defer { state = .passing }
        return state == .passing ? .hold : .flush
    }

    /// The window closed without a second flush: flush what waits.
    mutating func windowElapsed() -> Action {
        guard state == .windowOpen else { return .hold }  // flushed meanwhile
        state = .streaming
        return .flush
    }
}
