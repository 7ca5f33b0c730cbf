/// The escape codes rendered markdown is drawn with, and the choice of whether to render at all.
///
/// ```swift
/// let on = MarkdownStyle.shouldRender(output: .standardOutput, noColor: false, term: "xterm-256color")
/// let links = MarkdownStyle.supportsHyperlinks(environment: ProcessInfo.processInfo.environment)
/// ```
public enum MarkdownStyle {
    /// Markdown is drawn only where escape codes are welcome: a terminal, `NO_COLOR` unset and
    /// `TERM` not `dumb`. Everywhere else the model's text is printed byte for byte.
    public static func shouldRender(output: TextOutput, noColor: Bool, term: String?) -> Bool {
        output.isTerminal && !noColor && term != "dumb"
    }

    /// Whether the terminal shows OSC 8 hyperlinks. `FORCE_HYPERLINK=1` (or `0`) decides outright;
    /// otherwise the terminals known to support them are recognised by their variables. Inside
    /// tmux or screen the outer terminal is hidden, so links are written as `text (url)`.
    public static func supportsHyperlinks(environment: [String: String]) -> Bool {
        if let forced = environment["FORCE_HYPERLINK"], !forced.isEmpty { return forced != "0" }
        let term = environment["TERM"] ?? ""
        if term.hasPrefix("screen") || term.hasPrefix("tmux") || environment["TMUX"] != nil { return false }
        switch environment["TERM_PROGRAM"] ?? "" {
        case "iTerm.app", "WezTerm", "vscode", "ghostty", "Hyper", "Tabby", "rio": return true
        default: break
        }
        if environment["KITTY_WINDOW_ID"] != nil || environment["WT_SESSION"] != nil { return true }
        if term.contains("kitty") || term.hasPrefix("foot") || term == "alacritty" || term == "xterm-ghostty" { return true }
        // GNOME Terminal, Tilix and the other VTE terminals since 0.50.
        if let vte = environment["VTE_VERSION"].flatMap({ Int($0) }), vte >= 5000 { return true }
        if let konsole = environment["KONSOLE_VERSION"].flatMap({ Int($0) }), konsole >= 201_200 { return true }
        return false
    }

    static let reset = "\u{1B}[0m"
    static func hyperlinkOpen(_ url: String) -> String { "\u{1B}]8;;\(url)\u{1B}\\" }
    static let hyperlinkClose = "\u{1B}]8;;\u{1B}\\"
    static func dim(_ text: String) -> String { "\u{1B}[2m" + text + reset }

    /// The SGR sequence for a set of inline styles (empty for none).
    static func sgr(_ s: InlineStyle) -> String {
        var codes: [String] = []
        if s.bold { codes.append("1") }
        if s.dim { codes.append("2") }
        if s.italic { codes.append("3") }
        if s.underline || s.link { codes.append("4") }
        if s.strike { codes.append("9") }
        if s.code > 0 || s.codeBlock { codes.append("36") } else if s.link { codes.append("94") }
        return codes.isEmpty ? "" : "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}

/// The inline styles open at a point of the text.
struct InlineStyle: Hashable, Sendable {
    var bold = false
    var italic = false
    var strike = false
    var underline = false
    var dim = false
    /// The length of the backtick run that opened the code span; 0 outside code.
    var code = 0
    var codeBlock = false
    var link = false

    var isPlain: Bool { self == InlineStyle() }

    func union(_ other: InlineStyle) -> InlineStyle {
        InlineStyle(
            bold: bold || other.bold, italic: italic || other.italic, strike: strike || other.strike,
            underline: underline || other.underline, dim: dim || other.dim, code: max(code, other.code),
            codeBlock: codeBlock || other.codeBlock, link: link || other.link)
    }
}
