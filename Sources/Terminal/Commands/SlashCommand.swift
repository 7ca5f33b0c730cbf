/// A line typed at the chat prompt that starts with `/`.
///
/// ```swift
/// SlashCommand.parse("/model zai-org/GLM-4.7-FP8")   // .model("zai-org/GLM-4.7-FP8")
/// SlashCommand.parse("hello")                        // nil: a prompt for the model
/// ```
public enum SlashCommand: Sendable, Hashable {
    case help
    case image([String])
    /// Text files and PDFs for the next prompt.
    case file([String])
    /// Summarise the older turns, keeping the recent ones; optional focus for the summary.
    case compact(String?)
    case model(String?)
    case system(SystemChange)
    case clear
    case retry
    case undo
    case save(String)
    case load(String)
    case sessions
    /// The turns compactions replaced with a summary (kept in the session, never sent again).
    case archive
    case usage
    case think(Bool?)
    /// MCP tools: `/tools [auto|ask]`.
    case tools(String?)
    /// Markdown rendering of answers: on, off, or `nil` to show the state.
    case markdown(Bool?)
    case exit
    /// A malformed use of a known command: the message says how to use it.
    case invalid(String)
    /// Not a command we know; the hint names the nearest one where there is one.
    case unknown(name: String, hint: String)

    public enum SystemChange: Sendable, Hashable {
        case show
        case set(String)
        case clear
    }

    /// Every command, as `/help` lists it and Tab completes it.
    public static let catalogue: [(name: String, usage: String, summary: String)] = [
        ("/help", "/help", "list the commands"),
        ("/image", "/image PATH...", "attach png/jpeg/gif/webp images to the next prompt (Tab completes paths)"),
        ("/file", "/file PATH...", "attach text files or PDFs to the next prompt (or write @PATH in the prompt)"),
        ("/model", "/model [ID]", "show the model, or switch to ID (Tab completes ids)"),
        ("/system", "/system [TEXT | -]", "show the system prompt, set it to TEXT, or clear it with -"),
        ("/clear", "/clear", "start a new conversation"),
        ("/retry", "/retry", "ask again for the last answer"),
        ("/undo", "/undo", "drop the last exchange (your prompt and the answer)"),
        ("/save", "/save NAME", "save this conversation as NAME (and keep saving there)"),
        ("/load", "/load NAME", "continue the conversation saved as NAME"),
        ("/sessions", "/sessions", "list saved conversations, newest first"),
        ("/usage", "/usage", "tokens used in this conversation, the cost when prices are known, and the context window"),
        ("/compact", "/compact [FOCUS]", "summarise the older turns to free the context window (keeps the last two exchanges)"),
        ("/archive", "/archive", "show the turns compactions replaced with a summary (kept, never sent again)"),
        ("/think", "/think on|off", "show or hide the model's reasoning"),
        ("/tools", "/tools [auto|ask]", "list the MCP servers and their tools; auto runs calls without asking"),
        ("/markdown", "/markdown [on|off]", "render answers' markdown (bold, code, tables) or print the raw text"),
        ("/exit", "/exit", "leave (Ctrl-D on an empty line does the same)"),
    ]

    public static var names: [String] { catalogue.map(\.name) }

    /// The command on `line`, or `nil` when the line is a prompt for the model (it does not start
    /// with `/`, or starts with `//` or `/` followed by a space: type `//x` to send `/x`).
    public static func parse(_ line: String) -> SlashCommand? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("/"), !trimmed.hasPrefix("//") else { return nil }
        let nameEnd = trimmed.firstIndex { $0 == " " || $0 == "\t" || $0 == "\n" } ?? trimmed.endIndex
        let name = String(trimmed[..<nameEnd])
        guard name.count > 1 else { return nil }
        let rest = String(trimmed[nameEnd...]).trimmingWhitespace()
        let words = ShellWords.split(rest)

        switch name.lowercased() {
        case "/help", "/?": return .help
        case "/image", "/img":
            return words.isEmpty ? .invalid("usage: /image PATH... (png, jpeg, gif or webp)") : .image(words)
        case "/file", "/attach":
            return words.isEmpty ? .invalid("usage: /file PATH... (text files or PDFs)") : .file(words)
        case "/compact": return .compact(rest.isEmpty ? nil : rest)
        case "/archive", "/archived": return .archive
        case "/model": return .model(words.first)
        case "/system":
            if rest.isEmpty { return .system(.show) }
            if rest == "-" { return .system(.clear) }
            return .system(.set(rest))
        case "/clear", "/new": return .clear
        case "/retry": return .retry
        case "/undo": return .undo
        case "/save":
            return words.count == 1 ? .save(words[0]) : .invalid("usage: /save NAME")
        case "/load":
            return words.count == 1 ? .load(words[0]) : .invalid("usage: /load NAME (see /sessions)")
        case "/sessions": return .sessions
        case "/usage", "/cost": return .usage
        case "/think":
            switch words.first?.lowercased() {
            case nil: return .think(nil)
            case "on", "yes", "true", "show": return .think(true)
            case "off", "no", "false", "hide": return .think(false)
            default: return .invalid("usage: /think on|off")
            }
        case "/markdown", "/md":
            switch words.first?.lowercased() {
            case nil: return .markdown(nil)
            case "on", "yes", "true": return .markdown(true)
            case "off", "no", "false", "raw": return .markdown(false)
            default: return .invalid("usage: /markdown on|off")
            }
        case "/tools", "/mcp": return .tools(words.first)  // MCP tools
        case "/exit", "/quit", "/q": return .exit
        default:
            return .unknown(name: name, hint: hint(for: name))
        }
    }

    /// `unknown command /modle; did you mean /model? (/help lists them all)`.
    static func hint(for name: String) -> String {
        let lower = name.lowercased()
        let prefixed = names.filter { $0.hasPrefix(lower) }
        let nearest = prefixed.count == 1
            ? prefixed[0]
            : names.map { ($0, editDistance($0, lower)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
        if let nearest {
            return "unknown command \(name); did you mean \(nearest)? (/help lists them all; start with // to send a line that begins with /)"
        }
        return "unknown command \(name); /help lists them all (start with // to send a line that begins with /)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
