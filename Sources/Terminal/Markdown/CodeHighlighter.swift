/// Light syntax colours for the lines of a fenced code block: keywords, strings, numbers and
/// comments of the common languages, one line at a time (a string or comment never spans lines).
enum CodeHighlighter {
    enum Family { case cLike, hash, sql }

    static func family(of language: String) -> Family? {
        switch language.lowercased() {
        case "swift", "c", "h", "cpp", "c++", "cc", "objc", "java", "kotlin", "kt", "scala", "js", "javascript", "jsx",
             "ts", "typescript", "tsx", "go", "golang", "rust", "rs", "cs", "csharp", "c#", "php", "dart", "zig":
            return .cLike
        case "python", "py", "sh", "bash", "zsh", "shell", "console", "ruby", "rb", "perl", "pl", "yaml", "yml",
             "toml", "r", "make", "makefile", "dockerfile", "ini", "conf", "nix", "elixir", "ex", "powershell", "ps1":
            return .hash
        case "sql", "psql", "mysql", "sqlite", "lua", "haskell", "hs":
            return .sql
        default:
            return nil
        }
    }

    static let keywords: Set<String> = [
        "as", "async", "await", "break", "case", "catch", "class", "const", "continue", "def", "default", "defer",
        "del", "do", "elif", "else", "enum", "except", "export", "extends", "extension", "false", "final", "finally",
        "fn", "for", "from", "func", "function", "go", "guard", "if", "impl", "import", "in", "interface", "is",
        "lambda", "let", "match", "mod", "module", "mut", "new", "nil", "none", "None", "not", "null", "or", "and",
        "package", "pass", "private", "protocol", "pub", "public", "raise", "return", "self", "static", "struct",
        "super", "switch", "this", "throw", "throws", "trait", "true", "True", "False", "try", "type", "typeof",
        "use", "val", "var", "void", "where", "while", "with", "yield", "fi", "then", "done", "esac", "echo",
        "select", "SELECT", "FROM", "WHERE", "INSERT", "INTO", "UPDATE", "DELETE", "JOIN", "ON", "GROUP", "BY",
        "ORDER", "CREATE", "TABLE", "VALUES", "AND", "OR", "NOT", "NULL", "AS", "LIMIT", "local", "end",
    ]

    static let keyword = "\u{1B}[35m", string = "\u{1B}[32m", number = "\u{1B}[33m", comment = "\u{1B}[2m"
    static let plain = "\u{1B}[39m", reset = "\u{1B}[0m"

    /// `line` with colour escapes (ending with a reset), or `nil` for a language not known here.
    static func highlight(_ line: String, language: String) -> String? {
        guard let family = family(of: language) else { return nil }
        let chars = Array(line)
        var out = ""
        var i = 0
        func starts(_ s: String, at i: Int) -> Bool {
            let needle = Array(s)
            return i + needle.count <= chars.count && Array(chars[i..<(i + needle.count)]) == needle
        }
        while i < chars.count {
            let c = chars[i]
            let commentStart = family == .cLike ? starts("//", at: i) : family == .hash ? c == "#" : starts("--", at: i)
            if commentStart {
                out += comment + String(chars[i...]) + reset
                return out
            }
            if c == "\"" || c == "'" || (c == "`" && family == .cLike) {
                var j = i + 1
                while j < chars.count && chars[j] != c {
                    j += chars[j] == "\\" ? 2 : 1
                }
                let end = min(j + 1, chars.count)
                out += string + String(chars[i..<end]) + reset
                i = end
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                let word = String(chars[i..<j])
                out += keywords.contains(word) ? keyword + word + reset : word
                i = j
                continue
            }
            if c.isNumber {
                var j = i
                while j < chars.count && (chars[j].isNumber || chars[j].isLetter || chars[j] == "." || chars[j] == "_") { j += 1 }
                out += number + String(chars[i..<j]) + reset
                i = j
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
