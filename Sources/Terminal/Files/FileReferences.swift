/// The `@path` words of a prompt: an `@` at the start of a word, then the path up to the next
/// unescaped space (`\ ` keeps a space in the path, as Tab completion inserts it). Pure: which
/// of them name files is for the caller to find out.
///
/// ```swift
/// FileReferences.find(in: "summarise @notes.md and @docs/a\\ b.txt, please")
/// // [Reference(word: "@notes.md", path: "notes.md"), Reference(word: "@docs/a\\ b.txt,", path: "docs/a b.txt,")]
/// ```
public enum FileReferences {
    public struct Reference: Sendable, Hashable {
        /// The word as typed, `@` included.
        public var word: String
        /// The path, without the `@` and with escapes removed.
        public var path: String

        /// The path, then the path without trailing punctuation (`@notes.md,` or `(see @a.txt)`),
        /// the ways to try it in order.
        public var candidates: [String] {
            var list = [path]
            var trimmed = Substring(path)
            while let last = trimmed.last, FileReferences.trailingPunctuation.contains(last) { trimmed.removeLast() }
            if !trimmed.isEmpty, trimmed.count != path.count { list.append(String(trimmed)) }
            return list
        }

        /// Whether the word is meant as a path even if no such file exists (it has a `/`, a `.`
        /// or starts with `~`), so a missing file is an error rather than plain text like `@alice`.
        public var looksLikePath: Bool {
            let core = candidates.last ?? path
            return core.contains("/") || core.contains(".") || core.hasPrefix("~")
        }
    }

    static let trailingPunctuation: Set<Character> = [",", ";", ":", "!", "?", ".", ")", "]", "}", "\"", "'"]

    /// Every `@word` of `text` that starts a word and has something after the `@`.
    public static func find(in text: String) -> [Reference] {
        var found: [Reference] = []
        var previous: Character? = nil
        var index = text.startIndex
        while index < text.endIndex {
            let ch = text[index]
            let startsWord = previous.map { $0.isWhitespace || $0 == "(" || $0 == "[" || $0 == "\"" || $0 == "'" } ?? true
            guard ch == "@", startsWord else {
                previous = ch
                index = text.index(after: index)
                continue
            }
            var end = text.index(after: index)
            var path = ""
            var escaped = false
            while end < text.endIndex {
                let c = text[end]
                if escaped {
                    path.append(c)
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c.isWhitespace {
                    break
                } else {
                    path.append(c)
                }
                end = text.index(after: end)
            }
            if !path.isEmpty, path != "@" {
                found.append(Reference(word: String(text[index..<end]), path: path))
            }
            previous = end < text.endIndex ? text[end] : nil
            index = end
        }
        return found
    }
}
