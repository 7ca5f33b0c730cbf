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
        text.withUTF8 { bytes in
            // Branch-free, so that the compiler vectorises it: this runs over every prompt.
            var ascii = 0
            var leading = 0
            for byte in bytes {
                ascii &+= Int(~byte >> 7)
                leading &+= Int((byte & (byte << 1)) >> 7)
            }
            self.ascii &+= ascii
            self.leading &+= leading
        }
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
        add(text)
        ascii += 2
        var text = text
        text.withUTF8 { bytes in
            var extra = 0
            for byte in bytes where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                switch byte {
                case 0x22, 0x5C, 0x08, 0x0C, 0x0A, 0x0D, 0x09: extra += 1  // \" \\ \b \f \n \r \t
                default: extra += 5  // \u00XX
                }
            }
            ascii += extra
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
