/// A pull reader over JSON bytes for hand-written decoders of small, hot messages (stream
/// chunks): members are visited in order, unknown ones are skipped (still validated) without
/// building values. Any surprise throws ``JSONFieldMismatch``; the caller then falls back to
/// `JSONDecoder`, so the reader only has to be right on the common path, and strict.
///
/// ```swift
/// try JSONReader.read(buffer) { reader throws(JSONFieldMismatch) in
///     try reader.readObject { reader, key throws(JSONFieldMismatch) in
///         if key == "id" { id = try reader.readOptionalString() } else { try reader.skipValue() }
///     }
/// }
/// ```
public struct JSONReader {
    var parser: JSONParser

    /// Runs `body` on a reader over `buffer` and checks that nothing but whitespace follows.
    public static func read(
        _ buffer: UnsafeBufferPointer<UInt8>, _ body: (inout JSONReader) throws(JSONFieldMismatch) -> Void
    ) throws(JSONFieldMismatch) {
        var reader = JSONReader(parser: JSONParser(bytes: buffer))
        reader.parser.skipWhitespace()
        try body(&reader)
        reader.parser.skipWhitespace()
        guard reader.parser.position == buffer.count else { throw JSONFieldMismatch() }
    }

    /// A member name as it appears in the bytes (names with escapes are refused).
    public struct Key {
        let bytes: UnsafeBufferPointer<UInt8>

        public static func == (key: Key, name: StaticString) -> Bool {
            guard key.bytes.count == name.utf8CodeUnitCount else { return false }
            let start = name.utf8Start
            for i in 0..<key.bytes.count where key.bytes[i] != start[i] { return false }
            return true
        }
    }

    /// Visits every member of an object; `body` must read or skip each value.
    public mutating func readObject(_ body: (inout JSONReader, Key) throws(JSONFieldMismatch) -> Void) throws(JSONFieldMismatch) {
        do {
            guard try parser.peek() == UInt8(ascii: "{") else { throw JSONFieldMismatch() }
            parser.depth += 1
            guard parser.depth <= JSONParser.maxDepth else { throw JSONFieldMismatch() }
            parser.position += 1
            parser.skipWhitespace()
            if try parser.peek() == UInt8(ascii: "}") {
                parser.position += 1
                parser.depth -= 1
                return
            }
            while true {
                guard try parser.peek() == UInt8(ascii: "\"") else { throw JSONFieldMismatch() }
                let key = try rawKey()
                parser.skipWhitespace()
                guard try parser.peek() == UInt8(ascii: ":") else { throw JSONFieldMismatch() }
                parser.position += 1
                parser.skipWhitespace()
                try body(&self, key)
                parser.skipWhitespace()
                switch try parser.peek() {
                case UInt8(ascii: ","):
                    parser.position += 1
                    parser.skipWhitespace()
                case UInt8(ascii: "}"):
                    parser.position += 1
                    parser.depth -= 1
                    return
                default:
                    throw JSONFieldMismatch()
                }
            }
        }
    }

    /// Visits every element of an array.
    public mutating func readArray(_ body: (inout JSONReader) throws(JSONFieldMismatch) -> Void) throws(JSONFieldMismatch) {
        do {
            guard try parser.peek() == UInt8(ascii: "[") else { throw JSONFieldMismatch() }
            parser.depth += 1
            guard parser.depth <= JSONParser.maxDepth else { throw JSONFieldMismatch() }
            parser.position += 1
            parser.skipWhitespace()
            if try parser.peek() == UInt8(ascii: "]") {
                parser.position += 1
                parser.depth -= 1
                return
            }
            while true {
                try body(&self)
                parser.skipWhitespace()
                switch try parser.peek() {
                case UInt8(ascii: ","):
                    parser.position += 1
                    parser.skipWhitespace()
                case UInt8(ascii: "]"):
                    parser.position += 1
                    parser.depth -= 1
                    return
                default:
                    throw JSONFieldMismatch()
                }
            }
        }
    }

    private mutating func rawKey() throws(JSONFieldMismatch) -> Key {
        parser.position += 1
        let start = parser.position
        while parser.position < parser.bytes.count {
            let byte = parser.bytes[parser.position]
            if byte == UInt8(ascii: "\"") {
                let key = Key(bytes: UnsafeBufferPointer(rebasing: parser.bytes[start..<parser.position]))
                parser.position += 1
                return key
            }
            // Escapes, control characters and non-ASCII names: leave them to JSONDecoder.
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { throw JSONFieldMismatch() }
            parser.position += 1
        }
        throw JSONFieldMismatch()
    }

    /// `true` (and consumed) when the next value is `null`.
    public mutating func readNull() throws(JSONFieldMismatch) -> Bool {
        guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "n") else { return false }
        do { try parser.literal("null") } catch { throw JSONFieldMismatch() }
        return true
    }

    public mutating func readString() throws(JSONFieldMismatch) -> String {
        guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "\"") else { throw JSONFieldMismatch() }
        do { return try parser.string() } catch { throw JSONFieldMismatch() }
    }

    /// A string, or `nil` for `null` (an optional `String` field).
    public mutating func readOptionalString() throws(JSONFieldMismatch) -> String? {
        if try readNull() { return nil }
        return try readString()
    }

    /// An integer (`3.0` counts, as in `JSONDecoder`), or `nil` for `null`.
    public mutating func readOptionalInt() throws(JSONFieldMismatch) -> Int? {
        if try readNull() { return nil }
        guard parser.position < parser.bytes.count else { throw JSONFieldMismatch() }
        let byte = parser.bytes[parser.position]
        guard byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) else { throw JSONFieldMismatch() }
        do {
            guard case .int(let i) = try parser.number() else { throw JSONFieldMismatch() }
            return i
        } catch {
            throw JSONFieldMismatch()
        }
    }

    /// Any value, built.
    public mutating func readValue() throws(JSONFieldMismatch) -> JSONValue {
        do { return try parser.value() } catch { throw JSONFieldMismatch() }
    }

    /// Any value, checked but not built.
    public mutating func skipValue() throws(JSONFieldMismatch) {
        guard parser.position < parser.bytes.count else { throw JSONFieldMismatch() }
        switch parser.bytes[parser.position] {
        case UInt8(ascii: "{"):
            try readObject { reader, _ throws(JSONFieldMismatch) in try reader.skipValue() }
        case UInt8(ascii: "["):
            try readArray { reader throws(JSONFieldMismatch) in try reader.skipValue() }
        case UInt8(ascii: "\""):
            do { try parser.skipString() } catch { throw JSONFieldMismatch() }
        default:
            _ = try readValue()
        }
    }
}
