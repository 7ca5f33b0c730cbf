/// An incremental decoder of server-sent events: bytes in, in any split, events out.
///
/// Written by hand (no SSE library is on the mirror, and the framing is a few dozen lines):
/// lines end in `\n`, `\r\n` or `\r` (also when the `\r` and `\n` arrive in separate pushes);
/// `:` starts a comment; `data:` lines of one event are joined with `\n`; a blank line
/// dispatches the event; an event without any `data` is dropped; a final event that lacks the
/// blank line (or even the line end) is given by ``finish()``. `[DONE]` is an ordinary payload:
/// the caller decides what it means.
///
/// ```swift
/// var decoder = SSEDecoder()
/// for try await buffer in response.body {
///     for event in decoder.push(buffer.readableBytesView) { handle(event.data) }
/// }
/// for event in decoder.finish() { handle(event.data) }
/// ```
public struct SSEDecoder: Sendable {
    /// One dispatched event.
    public struct Event: Sendable, Hashable {
        /// The `event:` field, when there was one.
        public var event: String?
        public var data: String

        public init(event: String? = nil, data: String) {
            self.event = event
            self.data = data
        }
    }

    /// Bytes of the line being read.
    @usableFromInline var line: [UInt8] = []
    /// The previous push ended with `\r`: a `\n` at the start of the next one ends nothing.
    @usableFromInline var afterCR = false
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: String?
    private var atStart = true

    public init() {}

    /// Decodes `bytes`, returning the events they complete. Inlinable: specialised for the
    /// caller's byte collection (a `ByteBufferView`), not walked through a generic witness per byte.
    @inlinable
    public mutating func push<Bytes: Sequence>(_ bytes: Bytes) -> [Event] where Bytes.Element == UInt8 {
        var events: [Event] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                if afterCR {
                    afterCR = false
                } else {
                    endLine(into: &events)
                }
            case UInt8(ascii: "\r"):
                endLine(into: &events)
                afterCR = true
            default:
                afterCR = false
                line.append(byte)
            }
        }
        return events
    }

    /// Ends the input: a pending line and event are dispatched as if a blank line followed.
    public mutating func finish() -> [Event] {
        var events: [Event] = []
        if !line.isEmpty { endLine(into: &events) }
        dispatch(into: &events)
        afterCR = false
        return events
    }

    @usableFromInline
    mutating func endLine(into events: inout [Event]) {
        defer { line.removeAll(keepingCapacity: true) }
        if atStart {
            atStart = false
            // A UTF-8 byte order mark before the first field is ignored.
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        guard !line.isEmpty else {
            dispatch(into: &events)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }  // comment
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = []
        }
        switch String(decoding: field, as: UTF8.self) {
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        case "event":
            eventName = String(decoding: value, as: UTF8.self)
        default:
            break  // id, retry and unknown fields do not matter here
        }
    }

    private mutating func dispatch(into events: inout [Event]) {
        if hasData {
            events.append(Event(event: eventName, data: String(decoding: data, as: UTF8.self)))
        }
        data.removeAll(keepingCapacity: true)
        hasData = false
        eventName = nil
    }
}
