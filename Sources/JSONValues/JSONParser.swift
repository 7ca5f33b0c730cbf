/// A strict RFC 8259 JSON parser from bytes to ``JSONValue``: the fast path under the wire types'
/// `decode(json:)` functions. Hand-written because Foundation's `JSONDecoder` spends most of its
/// time in generic `Decoder` machinery (about 2 ms for an 80 KB Claude Code request here, where
/// this parser takes a fraction of that); the typed wire decoders fall back to `JSONDecoder`
/// whenever this parser or their own checks find anything unusual, so error messages and edge
/// cases stay exactly Foundation's.
///
/// Numbers follow what `JSONDecoder` gives for `JSONValue`: a number that is an exact integer
/// (`3`, `3.0`, `1e2`) is `.int`, anything else `.double`. Duplicate keys: the first one wins (as
/// in Foundation). Invalid UTF-8, lone surrogates, trailing commas, comments and nesting deeper
/// than 512 are rejected.
///
/// ```swift
/// let value = JSONValue.parse(Array(#"{"a": [1, 2.5, "x"]}"#.utf8))
/// ```
extension JSONValue {
    /// The value of `bytes`, or `nil` when they are not valid JSON.
    @inlinable
    public static func parse<Bytes: Collection>(_ bytes: Bytes) -> JSONValue? where Bytes.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { parse(buffer: $0) }
    }

    /// The value of the bytes in `buffer`, or `nil` when they are not valid JSON.
    public static func parse(buffer: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        JSONParser.parse(buffer)
    }
}

/// The parser state: a cursor over a buffer. Internal; use ``JSONValue/parse(_:)``.
struct JSONParser {
    static let maxDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0
    var depth = 0
    /// Members of the objects being parsed, innermost last: each dictionary is built once, at
    /// its final size, when its object closes.
    var members: [(String, JSONValue)] = []

    /// The one error of the parser; the same type as the fast decoders' so that they can mix.
    typealias Invalid = JSONFieldMismatch

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        var parser = JSONParser(bytes: bytes)
        do {
            parser.skipWhitespace()
            let value = try parser.value()
            parser.skipWhitespace()
            guard parser.position == bytes.count else { return nil }
            return value
        } catch {
            return nil
        }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    @inline(__always)
    func peek() throws(Invalid) -> UInt8 {
        guard position < bytes.count else { throw Invalid() }
        return bytes[position]
    }

    mutating func value() throws(Invalid) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    mutating func literal(_ word: StaticString) throws(Invalid) {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw Invalid() }
        let start = word.utf8Start
        for i in 0..<count where bytes[position + i] != start[i] { throw Invalid() }
        position += count
    }

    mutating func object() throws(Invalid) -> JSONValue {
        depth += 1
        guard depth <= Self.maxDepth else { throw Invalid() }
        defer { depth -= 1 }
        position += 1  // {
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return .object([:])
        }
        let base = members.count
        while true {
            guard try peek() == UInt8(ascii: "\"") else { throw Invalid() }
            let key = try string()
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw Invalid() }
            position += 1
            skipWhitespace()
            let member = try value()
            members.append((key, member))
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                position += 1
                var dictionary = [String: JSONValue](minimumCapacity: members.count - base)
                // Backwards, so that the first of duplicate keys wins (as in Foundation).
                var i = members.count - 1
                while i >= base {
                    dictionary[members[i].0] = members[i].1
                    i -= 1
                }
                members.removeSubrange(base...)
                return .object(dictionary)
            default:
                throw Invalid()
            }
        }
    }

    mutating func array() throws(Invalid) -> JSONValue {
        depth += 1
        guard depth <= Self.maxDepth else { throw Invalid() }
        defer { depth -= 1 }
        position += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            default:
                throw Invalid()
            }
        }
    }

    /// A string; the cursor is on its opening quote.
    mutating func string() throws(Invalid) -> String {
        position += 1
        let start = position
        // Fast path: no escapes. Eight bytes at a time while none is a quote, a backslash or a
        // control character.
        if let base = bytes.baseAddress {
            while position + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                if SWAR.hasLess(word, 0x20) | SWAR.hasByte(word, 0x22) | SWAR.hasByte(word, 0x5C) != 0 { break }
                position += 8
            }
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                return try Self.validated(slice)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw Invalid() }
            position += 1
        }
        guard position < bytes.count else { throw Invalid() }
        // Slow path: decode escapes into a byte buffer.
        var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try out.withUnsafeBufferPointer { buffer throws(Invalid) in try Self.validated(buffer) }
            case UInt8(ascii: "\\"):
                position += 1
                let escape = try peek()
                position += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                              bytes[position + 1] == UInt8(ascii: "u") else { throw Invalid() }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw Invalid() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw Invalid()
                    }
                    guard let s = Unicode.Scalar(scalar) else { throw Invalid() }
                    out.append(contentsOf: s.utf8)
                default:
                    throw Invalid()
                }
            default:
                if byte < 0x20 { throw Invalid() }
                out.append(byte)
                position += 1
            }
        }
        throw Invalid()
    }

    /// Skips a string without building it; the cursor is on its opening quote.
    mutating func skipString() throws(Invalid) {
        let start = position
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") || byte >= 0x80 {
                // Escapes and non-ASCII text need the full check.
                position = start
                _ = try string()
                return
            }
            if byte < 0x20 { throw Invalid() }
            position += 1
        }
        throw Invalid()
    }

    mutating func hex4() throws(Invalid) -> UInt32 {
        guard position + 4 <= bytes.count else { throw Invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    @inline(__always)
    static func validated(_ buffer: UnsafeBufferPointer<UInt8>) throws(Invalid) -> String {
        // ASCII needs no validation.
        if SWAR.isASCII(buffer) { return String(decoding: buffer, as: UTF8.self) }
        guard let s = String(validating: buffer, as: UTF8.self) else { throw Invalid() }
        return s
    }

    mutating func number() throws(Invalid) -> JSONValue {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        // Integer part: 0, or a non-zero digit followed by digits.
        guard position < bytes.count else { throw Invalid() }
        let first = bytes[position]
        guard first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") else { throw Invalid() }
        var magnitude: UInt64 = 0
        var overflow = false
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                let digit = UInt64(bytes[position] - UInt8(ascii: "0"))
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(digit)
                if o1 || o2 { overflow = true }
                magnitude = sum
                position += 1
            }
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            let digitsStart = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
            guard position > digitsStart else { throw Invalid() }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            let digitsStart = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
            guard position > digitsStart else { throw Invalid() }
        }
        if isInteger && !overflow {
            if negative {
                if magnitude <= UInt64(Int.max) { return .int(-Int(magnitude)) }
                if magnitude == UInt64(Int.max) + 1 { return .int(Int.min) }
            } else if magnitude <= UInt64(Int.max) {
                return .int(Int(magnitude))
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else { throw Invalid() }
        if let exact = Int(exactly: double) { return .int(exact) }
        return .double(double)
    }
}

/// Byte tests on eight bytes at once ("SIMD within a register"). The tests may report a byte
/// that is not there only above a real match, never miss one: good enough to decide whether a
/// word needs a closer look.
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Non-zero when some byte of `x` is less than `n` (`n` <= 128).
    @inline(__always)
    static func hasLess(_ x: UInt64, _ n: UInt8) -> UInt64 {
        (x &- ones &* UInt64(n)) & ~x & highs
    }

    /// Non-zero when some byte of `x` equals `b`.
    @inline(__always)
    static func hasByte(_ x: UInt64, _ b: UInt8) -> UInt64 {
        hasLess(x ^ (ones &* UInt64(b)), 1)
    }

    static func isASCII(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        var i = 0
        var any: UInt64 = 0
        while i + 8 <= buffer.count {
            any |= UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            i += 8
        }
        var tail: UInt8 = 0
        while i < buffer.count {
            tail |= base[i]
            i += 1
        }
        return any & highs == 0 && tail < 0x80
    }
}
