#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OpenAIAPI

/// A `[[script:NAME key=value ...]]` directive found in a user message.
///
/// `NAME` becomes the behaviour's `type`, each `key=value` one member of its flat JSON object.
/// A value is read as JSON when it parses (`3`, `0.5`, `true`, `null`, `"a b"`,
/// `{"city":"Paris"}`), else as a bare string; double quotes allow spaces:
///
/// ```
/// [[script:text text="Hello there" chunks=3 delay=0.05]]
/// [[script:error status=429 retry_after=1]]
/// [[script:tool_calls name=get_weather arguments={"city":"Paris"} style=llamacpp]]
/// [[script:reset after=3]]
/// ```
public struct ScriptDirective: Sendable, Hashable {
    /// The directive as written, `[[` to `]]` (the key of `fail_then_succeed` counters).
    public var source: String
    public var name: String
    public var arguments: [String: JSONValue]

    /// The last directive in `text`, if any.
    public static func find(in text: String) -> ScriptDirective? {
        guard let start = text.ranges(of: "[[script:").last else { return nil }
        guard let end = text[start.upperBound...].firstRange(of: "]]") else { return nil }
        let inner = text[start.upperBound..<end.lowerBound]
        var tokens = tokenize(inner)
        guard !tokens.isEmpty else { return nil }
        let name = tokens.removeFirst()
        var arguments: [String: JSONValue] = [:]
        for token in tokens {
            guard let eq = token.firstIndex(of: "=") else {
                arguments[token] = .bool(true)
                continue
            }
            let key = String(token[..<eq])
            let raw = String(token[token.index(after: eq)...])
            arguments[key] = JSONValue(parsing: raw) ?? .string(raw)
        }
        return ScriptDirective(source: String(text[start.lowerBound..<end.upperBound]), name: name, arguments: arguments)
    }

    /// The behaviour this directive names.
    public func behavior() throws -> Behavior {
        var object = arguments
        object["type"] = .string(name)
        let data = try JSONEncoder().encode(JSONValue.object(object))
        return try JSONDecoder().decode(Behavior.self, from: data)
    }

    /// Splits on whitespace outside double quotes; quotes stay in the token (so that a quoted
    /// value parses as a JSON string), backslash escapes are kept for the JSON parser.
    static func tokenize(_ text: Substring) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for ch in text {
            if escaped {
                current.append(ch)
                escaped = false
            } else if ch == "\\" && inQuotes {
                current.append(ch)
                escaped = true
            } else if ch == "\"" {
                current.append(ch)
                inQuotes.toggle()
            } else if ch.isWhitespace && !inQuotes {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
