// Hand-written: the mirror's markdown parser (Ink) turns whole documents into HTML, not streams.

/// Renders markdown for a terminal while it streams: feed it the text as it arrives, print what
/// each call returns.
///
/// It holds back only what the text so far leaves ambiguous: a trailing `*`, `_`, `~` or
/// backtick run, an unfinished `[link](…)`, a line start that may still become a fence, rule or
/// table, the current word (for wrapping), a code line until its newline (for its colours), and
/// a table until its last row. The result does not
/// depend on where the chunks split: feeding a document in any pieces prints what feeding it
/// whole does.
///
/// ```swift
/// var markdown = MarkdownRenderer(width: 80, hyperlinks: false)
/// print(markdown.feed("Some **bo"), terminator: "")   // "Some "
/// print(markdown.feed("ld** text"), terminator: "")   // bold "bold", then " text" as words end
/// print(markdown.finish(), terminator: "")
/// ```
public struct MarkdownRenderer: Sendable {
    /// The terminal's columns; a change applies to the lines that follow.
    public var width: Int
    /// Whether links become OSC 8 hyperlinks (else `text (url)`).
    public var hyperlinks: Bool
    /// Every line is text (table cells): no block syntax.
    var inlineOnly = false

    // The input not yet consumed is `input[pos...]`.
    var input: [Character] = []
    var pos = 0
    var atEnd = false

    enum LineState { case start, inline, codeStart, code }
    var line = LineState.start
    var fence: Fence?
    var table: [String] = []
    /// Lines still to read as plain text (the rows of a held "table" that had no delimiter row).
    var forcedTextLines = 0
    var blankPending = false
    var wroteBlock = false
    var headingLevel = 0
    /// The code line being read (printed whole at its newline, coloured when the language is known).
    var codeLine = ""
    var codeLanguage = ""

    // The output line being written.
    var out = ""
    var col = 0
    var contPrefix = ""
    var contWidth = 0
    var lineHasContent = false
    var word = ""
    var wordWidth = 0
    var wordStyle = InlineStyle()
    var wordLink: String?
    var spaces = 0

    var style = InlineStyle()
    var base = InlineStyle()
    var link: String?
    var linkText = ""
    var prevChar: Character = " "

    struct Fence: Sendable, Hashable {
        var marker: Character
        var count: Int
        var indent: Int
    }

    public init(width: Int, hyperlinks: Bool) {
        self.width = width
        self.hyperlinks = hyperlinks
    }

    /// Takes the next piece of the text; returns what is ready to print.
    public mutating func feed(_ text: Substring) -> String {
        append(text)
        process()
        compact()
        return takeOutput()
    }

    /// Ends the text: renders everything held back (a table, the last word) and leaves the
    /// output at the start of a line with no attribute set.
    public mutating func finish() -> String {
        atEnd = true
        process()
        if !table.isEmpty {
            flushTable()
            process()
        }
        switch line {
        case .inline: endLine()
        case .code: if !codeLine.isEmpty { endCodeLine() }
        case .start, .codeStart: break
        }
        if fence != nil {
            out += MarkdownStyle.dim("───") + "\n"
            fence = nil
        }
        line = .start
        return takeOutput()
    }

    /// Ends an interrupted text: prints the word being wrapped, resets attributes (and any open
    /// hyperlink), then prints what was held back undecided as its raw source.
    public mutating func interrupt() -> String {
        flushWord()
        if link != nil && hyperlinks { out += MarkdownStyle.hyperlinkClose }
        out += MarkdownStyle.reset
        out += codeLine
        codeLine = ""
        for row in table { out += row + "\n" }
        table = []
        if pos < input.count { out += String(input[pos...].filter { $0 != Self.linkEnd }) }
        input = []
        pos = 0
        line = .start
        link = nil
        return takeOutput()
    }

    /// Renders a whole document at once.
    public static func render(_ text: String, width: Int, hyperlinks: Bool = false) -> String {
        var renderer = MarkdownRenderer(width: width, hyperlinks: hyperlinks)
        return renderer.feed(Substring(text)) + renderer.finish()
    }

    /// Ends a link's text in the input (the input never holds NUL: it is removed on the way in).
    static let linkEnd: Character = "\u{0}"

    mutating func append(_ text: Substring) {
        for ch in text {
            switch ch {
            case "\r\n": input.append("\n")
            case "\r", Self.linkEnd: continue
            default: input.append(ch)
            }
        }
    }

    mutating func takeOutput() -> String {
        defer { out = "" }
        return out
    }

    mutating func compact() {
        if pos > 1024 {
            input.removeFirst(pos)
            pos = 0
        }
    }

    func char(_ i: Int) -> Character? { i < input.count ? input[i] : nil }

    mutating func process() {
        while true {
            switch line {
            case .start:
                if fence != nil {
                    line = .codeStart
                    continue
                }
                if pos >= input.count { return }
                guard let start = classify(at: pos, allowBlocks: !inlineOnly && forcedTextLines == 0) else { return }
                if !table.isEmpty {
                    if case .tableRow = start.kind, start.quoteDepth == 0 {} else {
                        flushTable()
                        continue
                    }
                }
                pos += start.consumed
                if forcedTextLines > 0 { forcedTextLines -= 1 }
                begin(start)
            case .codeStart:
                guard let fence else {
                    line = .start
                    continue
                }
                guard let closing = isClosingFence(fence) else { return }
                if closing.closes {
                    pos = closing.next
                    out += MarkdownStyle.dim("───") + "\n"
                    self.fence = nil
                    line = .start
                } else {
                    var skipped = 0
                    while skipped < fence.indent, char(pos) == " " {
                        pos += 1
                        skipped += 1
                    }
                    codeLine = ""
                    line = .code
                }
            case .code:
                guard let c = char(pos) else { return }
                pos += 1
                if c == "\n" {
                    endCodeLine()
                    line = .codeStart
                } else {
                    codeLine.append(c)
                }
            case .inline:
                if !stepInline() { return }
            }
        }
    }

    mutating func endCodeLine() {
        if !codeLine.isEmpty {
            out += CodeHighlighter.highlight(codeLine, language: codeLanguage)
                ?? MarkdownStyle.sgr(InlineStyle(codeBlock: true)) + codeLine + MarkdownStyle.reset
        }
        out += "\n"
        codeLine = ""
    }

    /// Whether the line at `pos` closes `fence`; `nil` while undecided.
    func isClosingFence(_ fence: Fence) -> (closes: Bool, next: Int)? {
        var i = pos
        while char(i) == " " || char(i) == "\t" { i += 1 }
        guard let c = char(i) else { return atEnd ? (false, i) : nil }
        guard c == fence.marker else { return (false, pos) }
        var n = 0
        while char(i) == fence.marker {
            i += 1
            n += 1
        }
        guard n >= fence.count else { return char(i) == nil && !atEnd ? nil : (false, pos) }
        while char(i) == " " || char(i) == "\t" { i += 1 }
        guard let after = char(i) else { return atEnd ? (true, i) : nil }
        return after == "\n" ? (true, i + 1) : (false, pos)
    }

    /// Starts the line classified as `start` (its prefix is consumed).
    mutating func begin(_ start: LineStart) {
        let quote = String(repeating: MarkdownStyle.dim("│") + " ", count: start.quoteDepth)
        let quoteWidth = 2 * start.quoteDepth
        // Inline styles go on over the lines of a paragraph and end with it.
        if case .text = start.kind {} else {
            style = InlineStyle()
            link = nil
        }
        if case .blank = start.kind, start.quoteDepth == 0 {
            if wroteBlock { blankPending = true }
            line = .start
            return
        }
        if blankPending {
            out += "\n"
            blankPending = false
        }
        wroteBlock = true
        prevChar = " "
        switch start.kind {
        case .blank:
            out += quote + "\n"
            line = .start
        case .rule:
            out += quote + MarkdownStyle.dim(String(repeating: "─", count: max(3, width - quoteWidth))) + "\n"
            line = .start
        case .fence(let fence, let info):
            self.fence = fence
            let language = info.split(separator: " ").first.map(String.init) ?? ""
            codeLanguage = language
            out += MarkdownStyle.dim(language.isEmpty ? "───" : "─── " + language) + "\n"
            line = .codeStart
        case .tableRow(let row):
            table.append(row)
            line = .start
        case .heading(let level):
            headingLevel = level
            base = InlineStyle(bold: true, italic: level >= 3, underline: level == 1)
            startLine(first: quote, firstWidth: quoteWidth, cont: quote, contWidth: quoteWidth)
        case .item(let indent, let marker):
            let lead = String(repeating: " ", count: indent)
            let markerWidth = DisplayWidth.visible(marker)
            startLine(first: quote + lead + marker + " ", firstWidth: quoteWidth + indent + markerWidth + 1,
                      cont: quote + lead + String(repeating: " ", count: markerWidth + 1),
                      contWidth: quoteWidth + indent + markerWidth + 1)
        case .text(let indent):
            let lead = String(repeating: " ", count: indent)
            startLine(first: quote + lead, firstWidth: quoteWidth + indent, cont: quote + lead, contWidth: quoteWidth + indent)
        }
    }

    mutating func startLine(first: String, firstWidth: Int, cont: String, contWidth: Int) {
        out += first
        col = firstWidth
        contPrefix = cont
        self.contWidth = contWidth
        lineHasContent = false
        spaces = 0
        let open = style.union(base)
        if !open.isPlain { out += MarkdownStyle.sgr(open) }
        if let link, hyperlinks { out += MarkdownStyle.hyperlinkOpen(link) }
        line = .inline
    }

    /// Ends the output line at a newline of the text.
    mutating func endLine() {
        flushWord()
        spaces = 0
        if link != nil && hyperlinks { out += MarkdownStyle.hyperlinkClose }
        if !style.union(base).isPlain { out += MarkdownStyle.reset }
        out += "\n"
        col = 0
        base = InlineStyle()
        headingLevel = 0
        prevChar = " "
        line = .start
    }
}
