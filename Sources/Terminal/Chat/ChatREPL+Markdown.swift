import Foundation

extension ChatREPL {
    /// The renderer for the next answer, or `nil` when `/markdown off` (or the terminal) says raw.
    func markdownRenderer() -> MarkdownRenderer? {
        guard renderMarkdown else { return nil }
        return MarkdownRenderer(
            width: out.columns ?? 80,
            hyperlinks: MarkdownStyle.supportsHyperlinks(environment: ProcessInfo.processInfo.environment))
    }

    /// The terminal's width as it is now (asked for each piece of an answer, so a resize shows).
    var answerColumns: @Sendable () -> Int {
        let out = self.out
        return { out.columns ?? 80 }
    }

    /// `/markdown [on|off]`.
    func setMarkdown(_ on: Bool?) {
        if on == true, !renderMarkdown {
            let term = ProcessInfo.processInfo.environment["TERM"]
            guard MarkdownStyle.shouldRender(output: out, noColor: options.noColor, term: term) else {
                let why = !out.isTerminal ? "the output is not a terminal" : options.noColor ? "NO_COLOR is set" : "TERM is dumb"
                warn("markdown stays off: \(why), so answers are printed as their raw text")
                return
            }
        }
        if let on { renderMarkdown = on }
        note(renderMarkdown
            ? "Markdown is rendered (bold, code, lists, tables); /markdown off prints the raw text."
            : "Markdown is printed as raw text; /markdown on renders it.")
    }
}
