/// How text is decorated: ANSI styles on a terminal, nothing at all in plain mode.
///
/// Plain mode is chosen when `NO_COLOR` is set (https://no-color.org) or the output is not a
/// terminal, so pipes and files never receive escape codes.
public struct TerminalStyle: Sendable, Hashable {
    public var usesEscapes: Bool

    public init(usesEscapes: Bool) {
        self.usesEscapes = usesEscapes
    }

    public static let plain = TerminalStyle(usesEscapes: false)
    public static let ansi = TerminalStyle(usesEscapes: true)

    /// The style for `output`: escapes only on a terminal and when `noColor` is false.
    public static func detect(output: TextOutput, noColor: Bool) -> TerminalStyle {
        TerminalStyle(usesEscapes: output.isTerminal && !noColor)
    }

    /// Dimmed text (reasoning, the usage line, hints).
    public func dim(_ text: String) -> String { wrap(text, "\u{1B}[2m", "\u{1B}[22m") }
    public func bold(_ text: String) -> String { wrap(text, "\u{1B}[1m", "\u{1B}[22m") }
    public func red(_ text: String) -> String { wrap(text, "\u{1B}[31m", "\u{1B}[39m") }
    public func yellow(_ text: String) -> String { wrap(text, "\u{1B}[33m", "\u{1B}[39m") }
    public func cyan(_ text: String) -> String { wrap(text, "\u{1B}[36m", "\u{1B}[39m") }

    /// Starts dimmed text that spans several writes; close with ``endDim``.
    public var beginDim: String { usesEscapes ? "\u{1B}[2m" : "" }
    public var endDim: String { usesEscapes ? "\u{1B}[22m" : "" }

    private func wrap(_ text: String, _ open: String, _ close: String) -> String {
        usesEscapes && !text.isEmpty ? open + text + close : text
    }

    /// Wraps escape sequences in a prompt for libedit, which must not count them as visible
    /// characters (`\u{1}` ... `\u{2}`, the `RL_PROMPT_START_IGNORE` markers).
    public func promptSafe(_ text: String) -> String {
        guard usesEscapes else { return text }
        var out = ""
        var inEscape = false
        for ch in text {
            if ch == "\u{1B}" {
                out += "\u{1}\u{1B}"
                inEscape = true
            } else if inEscape, ch.isLetter {
                out.append(ch)
                out += "\u{2}"
                inEscape = false
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
