/// Splits a command's arguments the way a shell would: spaces separate words, quotes ('...',
/// "...") group them, and a backslash escapes the next character. libedit's filename completion
/// escapes spaces with a backslash, so `/image my\ shot.png` names one file.
///
/// ```swift
/// ShellWords.split(#"a "b c" d\ e"#)   // ["a", "b c", "d e"]
/// ```
public enum ShellWords {
    public static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for ch in text {
            if escaped {
                current.append(ch)
                escaped = false
                inWord = true
                continue
            }
            if let q = quote {
                if ch == q {
                    quote = nil
                } else if ch == "\\" && q == "\"" {
                    escaped = true
                } else {
                    current.append(ch)
                }
                continue
            }
            switch ch {
            case "\\":
                escaped = true
                inWord = true
            case "'", "\"":
                quote = ch
                inWord = true
            case " ", "\t", "\n":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            default:
                current.append(ch)
                inWord = true
            }
        }
        if escaped { current.append("\\") }
        if inWord { words.append(current) }
        return words
    }
}
