import ClaudeAPI

/// Follows JSON text as it arrives in fragments and knows whether it is complete and which
/// closing characters would complete it (`{"a": "b` needs `"}`).
///
/// Used to tell when one streamed tool call's arguments are finished, and to close arguments that
/// a `max_tokens` cut left open.
struct JSONCompletion: Sendable, Hashable {
    private var stack: [UInt8] = []
    private var inString = false
    private var escaped = false
    private(set) var sawValue = false

    mutating func feed(_ fragment: String) {
        for byte in fragment.utf8 {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "{"): stack.append(UInt8(ascii: "}")); sawValue = true
            case UInt8(ascii: "["): stack.append(UInt8(ascii: "]")); sawValue = true
            case UInt8(ascii: "}"), UInt8(ascii: "]"): if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: "\""): inString = true; sawValue = true
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): break
            default: sawValue = true
            }
        }
    }

    /// A value was seen and every bracket and string is closed.
    var isComplete: Bool { sawValue && stack.isEmpty && !inString }

    /// What to append to close every open string and bracket (empty when complete or empty).
    var closingSuffix: String {
        var suffix = ""
        if inString { suffix += escaped ? "\\\"" : "\"" }
        suffix += String(decoding: stack.reversed(), as: UTF8.self)
        return suffix
    }
}

/// Turns tool-call argument text into the tool's `input` object.
enum ToolInput {
    /// The parsed object. Repairs what is trivially repairable: arguments cut short (closed with
    /// ``JSONCompletion/closingSuffix``), a trailing comma (`{"a": 1,` or `{"a": 1,}`), and an
    /// object sent as a JSON string. Anything else that is not an object gives `{}` and
    /// `ok == false`.
    static func parse(_ text: String) -> (input: JSONValue, ok: Bool) {
        let trimmed = text.trimmingWhitespace
        if trimmed.isEmpty { return (.object([:]), true) }
        if let value = JSONValue(parsing: trimmed) {
            if case .object = value { return (value, true) }
            // Arguments sent as a JSON string holding the object (double-encoded).
            if case .string(let inner) = value, let object = JSONValue(parsing: inner), case .object = object {
                return (object, true)
            }
            return (.object([:]), false)
        }
        var candidate = trimmed
        while let last = candidate.last, last == "," || last.isWhitespace { candidate.removeLast() }
        var completion = JSONCompletion()
        completion.feed(candidate)
        candidate = Self.removingTrailingCommas(candidate + completion.closingSuffix)
        if let value = JSONValue(parsing: candidate), case .object = value { return (value, true) }
        return (.object([:]), false)
    }

    /// Drops each `,` that (after whitespace) comes right before `}` or `]`, outside strings.
    static func removingTrailingCommas(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: ",") {
                var j = i + 1
                while j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x0D || bytes[j] == 0x09 { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "}") || bytes[j] == UInt8(ascii: "]") {
                    i += 1
                    continue
                }
            }
            out.append(byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
