/// Counts of the UTF-8 bytes of some text: ASCII bytes, and bytes that start a non-ASCII
/// scalar. Token estimates are made of these two figures; a JSON value is tallied as its
/// ``JSONValue/compactText`` would be, without writing the text (nor sorting its keys).
///
/// ```swift
/// var tally = UTF8Tally()
/// tally.add("héllo")                 // ascii 4, leading 1
/// tally.add(json: ["a": "x\n"])      // as #"{"a":"x\n"}"#: ascii 11
/// ```
public struct UTF8Tally: Sendable, Hashable {
    public var ascii = 0
    /// Bytes from 0xC0 up: one per non-ASCII scalar of valid UTF-8.
    public var leading = 0

    public init() {}

    public init(_ text: String) {
        add(text)
    }

    public init(json value: JSONValue) {
        add(json: value)
    }

    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add($0, escapedAsJSON: false) }
    }

    /// `value` as compact JSON (slashes not escaped), as ``JSONWriter`` writes it.
    public mutating func add(json value: JSONValue) {
        switch value {
        case .null: ascii += 4
        case .bool(let b): ascii += b ? 4 : 5
        case .int(let i): ascii += Self.digits(i)
        case .double:
            // Rare in schemas and arguments: the writer's own number format.
            ascii += value.jsonBytes.count
        case .string(let s): addJSONString(s)
        case .array(let items):
            ascii += 2 + max(0, items.count - 1)
            for item in items { add(json: item) }
        case .object(let members):
            ascii += 2 + max(0, members.count - 1) + members.count  // braces, commas, colons
            for (key, member) in members {
                addJSONString(key)
                add(json: member)
            }
        }
    }

    /// A string with its quotes and escapes.
    private mutating func addJSONString(_ text: String) {
        ascii += 2
        var text = text
        text.withUTF8 { add($0, escapedAsJSON: true) }
    }

    /// Eight bytes at a time: this runs over every prompt of every request.
    private mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, escapedAsJSON: Bool) {
        guard let base = bytes.baseAddress else { return }
        var nonASCII = 0
        var leading = 0
        var escapes = 0
        var i = 0
        while i + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            nonASCII &+= SWAR.countHigh(word)
            leading &+= SWAR.countHigh(word & (word << 1))  // 11xxxxxx: bit 6 moved onto bit 7
            if escapedAsJSON, SWAR.hasLess(word, 0x20) | SWAR.hasByte(word, 0x22) | SWAR.hasByte(word, 0x5C) != 0 {
                for j in i..<(i + 8) { escapes &+= Self.escapeLength(bytes[j]) }
            }
            i += 8
        }
        while i < bytes.count {
            let byte = bytes[i]
            nonASCII &+= Int(byte >> 7)
            leading &+= Int((byte & (byte << 1)) >> 7)
            if escapedAsJSON { escapes &+= Self.escapeLength(byte) }
            i += 1
        }
        self.ascii &+= bytes.count - nonASCII + escapes
        self.leading &+= leading
    }

    /// The bytes ``JSONWriter`` adds to escape `byte`.
    @inline(__always)
    private static func escapeLength(_ byte: UInt8) -> Int {
        switch byte {
        case 0x22, 0x5C, 0x08, 0x0C, 0x0A, 0x0D, 0x09: 1  // \" \\ \b \f \n \r \t
        case 0..<0x20: 5  // \u00XX
        default: 0
        }
    }

    private static func digits(_ value: Int) -> Int {
        var count = value < 0 ? 2 : 1
        var rest = value.magnitude
        while rest >= 10 {
            rest /= 10
            count += 1
        }
        return count
    }
}

extension SWAR {
    /// How many bytes of `x` have their high bit set.
    @inline(__always)
    static func countHigh(_ x: UInt64) -> Int {
        Int((((x >> 7) & ones) &* ones) >> 56)  // each byte 0 or 1; their sum lands in the top byte
    }
}
