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
    /// The parsed object; truncated JSON is closed first; anything else that is not an object
    /// gives `{}` and `repaired == false`.
    static func parse(_ text: String) -> (input: JSONValue, ok: Bool) {
        let trimmed = text.trimmingWhitespace
        if trimmed.isEmpty { return (.object([:]), true) }
        if let value = JSONValue(parsing: trimmed), case .object = value { return (value, true) }
        var completion = JSONCompletion()
        completion.feed(trimmed)
        var candidate = trimmed + completion.closingSuffix
        if let value = JSONValue(parsing: candidate), case .object = value { return (value, true) }
        // A trailing comma before the closers: `{"a": 1,`.
        candidate = trimmed
        while let last = candidate.last, last == "," || last == " " || last == "\n" { candidate.removeLast() }
        var again = JSONCompletion()
        again.feed(candidate)
        if let value = JSONValue(parsing: candidate + again.closingSuffix), case .object = value { return (value, true) }
        return (.object([:]), false)
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
