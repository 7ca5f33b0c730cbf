/// Builds the one-shot prompt from the command-line words and piped stdin: the words first,
/// then a blank line, then stdin. Either may be missing, not both.
///
/// ```swift
/// // git diff | nebius-chat ask review this
/// PromptAssembly.prompt(arguments: ["review", "this"], stdin: diff)   // "review this\n\n<diff>"
/// ```
public enum PromptAssembly {
    public static func prompt(arguments: [String], stdin: String?) -> String? {
        let words = arguments.joined(separator: " ").trimmingWhitespace()
        var piped = stdin ?? ""
        // Keep the piped text as it is, except trailing newlines (a file always ends in one).
        while piped.hasSuffix("\n") || piped.hasSuffix("\r") { piped.removeLast() }
        let hasPiped = !piped.trimmingWhitespace().isEmpty
        switch (words.isEmpty, hasPiped) {
        case (true, false): return nil
        case (false, false): return words
        case (true, true): return piped
        case (false, true): return words + "\n\n" + piped
        }
    }
}

/// Collects the lines of one prompt: a line ending in `\` continues on the next line.
///
/// ```swift
/// var input = ContinuedLine()
/// input.add("first line \\")   // false: more to come
/// input.add("second line")     // true: complete
/// input.text                   // "first line\nsecond line"
/// ```
public struct ContinuedLine: Sendable, Hashable {
    public private(set) var lines: [String] = []

    public init() {}

    /// Adds a typed line; returns whether the prompt is complete.
    public mutating func add(_ line: String) -> Bool {
        if line.hasSuffix("\\") && !line.hasSuffix("\\\\") {
            var head = line
            head.removeLast()
            while head.hasSuffix(" ") { head.removeLast() }
            lines.append(head)
            return false
        }
        lines.append(line)
        return true
    }

    public var isEmpty: Bool { lines.isEmpty }
    public var text: String { lines.joined(separator: "\n") }
}
