/// Writes compact JSON into a byte buffer: the fast path under the wire types' `jsonBytes()`
/// and `StreamEvent.sseFrame(encoder:)`. Hand-written for speed (Foundation's `JSONEncoder`
/// costs several microseconds per small event); the output is what `JSONEncoder` writes with
/// `.sortedKeys` when the caller writes its keys in sorted order: the same escapes (`\b \f \n \r
/// \t`, `\u00XX` for other control characters, `\/` unless `escapesSlashes` is off) and the same
/// number format.
///
/// ```swift
/// var writer = JSONWriter()
/// writer.beginObject()
/// writer.key("a"); writer.int(1)
/// writer.endObject()
/// // writer.bytes == Array(#"{"a":1}"#.utf8)
/// ```
public struct JSONWriter: Sendable {
    public var bytes: [UInt8]
    /// Write `/` as `\/` (what `JSONEncoder` does unless `.withoutEscapingSlashes`).
    public var escapesSlashes: Bool
    /// Set when a value could not be written as JSON (a NaN or infinite number); the output is
    /// then not valid JSON and the caller should fall back to `JSONEncoder`.
    public private(set) var failed = false
    /// Whether the container being written has had a member yet, innermost last.
    private var hasMembers: [Bool] = []

    public init(capacity: Int = 256, escapesSlashes: Bool = false) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.escapesSlashes = escapesSlashes
        hasMembers.reserveCapacity(8)
    }

    // MARK: Containers

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        hasMembers.append(false)
    }

    public mutating func endObject() {
        hasMembers.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        hasMembers.append(false)
    }

    public mutating func endArray() {
        hasMembers.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member name; the value written next belongs to it. `name` must need no escaping.
    public mutating func key(_ name: StaticString) {
        if let last = hasMembers.last, last { bytes.append(UInt8(ascii: ",")) }
        if !hasMembers.isEmpty { hasMembers[hasMembers.count - 1] = true }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        pendingKey = true
    }

    /// A member name that may need escaping.
    public mutating func key(_ name: String) {
        if let last = hasMembers.last, last { bytes.append(UInt8(ascii: ",")) }
        if !hasMembers.isEmpty { hasMembers[hasMembers.count - 1] = true }
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        pendingKey = true
    }

    /// Set after a key: the next value needs no comma.
    private var pendingKey = false

    /// Before a value: a comma when it is not the first element of an array.
    @inline(__always)
    private mutating func separate() {
        if pendingKey {
            pendingKey = false
            return
        }
        guard let last = hasMembers.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) } else { hasMembers[hasMembers.count - 1] = true }
    }

    // MARK: Scalars

    public mutating func null() {
        separate()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    public mutating func bool(_ value: Bool) {
        separate()
        if value {
            bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        } else {
            bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        }
    }

    public mutating func int(_ value: Int) {
        separate()
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            bytes.append(contentsOf: String(value).utf8)  // a small string: no allocation
        }
    }

    public mutating func double(_ value: Double) {
        guard value.isFinite else {
            failed = true
            null()
            return
        }
        separate()
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    public mutating func string(_ value: String) {
        separate()
        writeString(value)
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let members):
            beginObject()
            // Sorted (by Unicode scalars, as `JSONEncoder`'s `.sortedKeys`): equal values, equal text.
            if members.count == 1, let only = members.first {
                key(only.key)
                self.value(only.value)
            } else {
                for (k, v) in members.sorted(by: { $0.key < $1.key }) {
                    key(k)
                    self.value(v)
                }
            }
            endObject()
        }
    }

    /// Appends raw bytes (for framing around JSON, such as SSE lines).
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    // MARK: String escaping

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func writeString(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            let count = utf8.count
            let slash: UInt8 = escapesSlashes ? 0x2F : 0x22
            while i < count {
                // Eight bytes at a time while none needs escaping.
                if let base = utf8.baseAddress {
                    while i + 8 <= count {
                        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                        if SWAR.hasLess(word, 0x20) | SWAR.hasByte(word, 0x22) | SWAR.hasByte(word, 0x5C) | SWAR.hasByte(word, slash) != 0 { break }
                        i += 8
                    }
                    if i >= count { break }
                }
                let byte = utf8[i]
                let needsEscape = byte < 0x20 || byte == 0x22 || byte == 0x5C || (byte == 0x2F && escapesSlashes)
                if !needsEscape {
                    i += 1
                    continue
                }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x2F: bytes.append(contentsOf: [0x5C, 0x2F])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0x0F)]])
                }
                i += 1
                runStart = i
            }
            if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// Compact JSON bytes with sorted keys (slashes not escaped).
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        writer.value(self)
        return writer.bytes
    }
}
