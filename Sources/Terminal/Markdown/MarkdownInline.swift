/// Emphasis, code spans, links and the other inline syntax, one step at a time.
extension MarkdownRenderer {
    /// Renders the next character (or marker run) of the line; `false` when the input so far
    /// does not tell what it is.
    mutating func stepInline() -> Bool {
        guard let c = char(pos) else { return false }
        if c == "\n" {
            pos += 1
            endLine()
            return true
        }
        if c == Self.linkEnd {
            pos += 1
            closeLink()
            return true
        }
        if style.code > 0 {
            if c == "`" {
                guard let n = run(of: "`") else { return false }
                pos += n
                if n == style.code {
                    var next = style
                    next.code = 0
                    setStyle(next)
                } else {
                    for _ in 0..<n { appendChar("`") }
                }
            } else if c == " " || c == "\t" {
                pos += 1
                space()
            } else {
                pos += 1
                appendChar(c)
            }
            return true
        }
        switch c {
        case " ", "\t":
            pos += 1
            space()
        case "\\":
            guard let next = char(pos + 1) else {
                if !atEnd { return false }
                pos += 1
                appendChar(c)
                return true
            }
            if next.isASCII && (next.isPunctuation || next.isSymbol) {
                pos += 2
                appendChar(next)
            } else {
                pos += 1
                appendChar(c)
            }
        case "`":
            guard let n = run(of: "`") else { return false }
            pos += n
            var next = style
            next.code = n
            setStyle(next)
        case "*", "_", "~":
            guard let n = run(of: c) else { return false }
            emphasis(c, count: n)
        case "[":
            return link(image: false)
        case "!":
            guard let next = char(pos + 1) else {
                if !atEnd { return false }
                pos += 1
                appendChar(c)
                return true
            }
            if next == "[" { return link(image: true) }
            pos += 1
            appendChar(c)
        case "<":
            return autolink()
        case "#" where headingLevel > 0 && prevChar.isWhitespace:
            // A closing `##` sequence of a heading is not shown.
            var j = pos
            while char(j) == "#" || char(j) == " " || char(j) == "\t" { j += 1 }
            guard let end = char(j) else {
                if !atEnd { return false }
                pos = j
                return true
            }
            if end == "\n" {
                pos = j
            } else {
                pos += 1
                appendChar(c)
            }
        default:
            pos += 1
            appendChar(c)
        }
        return true
    }

    /// The length of the run of `c` at `pos`; `nil` while the run may go on.
    func run(of c: Character) -> Int? {
        var n = 0
        while char(pos + n) == c { n += 1 }
        if char(pos + n) == nil && !atEnd { return nil }
        return n
    }

    static func isPunctuation(_ c: Character) -> Bool { c.isPunctuation || c.isSymbol }

    /// A run of `*`, `_` or `~`: opens or closes emphasis by the CommonMark flanking rules;
    /// what neither opens nor closes is text.
    mutating func emphasis(_ c: Character, count n: Int) {
        let next = char(pos + n) ?? "\n"
        let prev = prevChar
        pos += n
        let left = !next.isWhitespace && (!Self.isPunctuation(next) || prev.isWhitespace || Self.isPunctuation(prev))
        let right = !prev.isWhitespace && (!Self.isPunctuation(prev) || next.isWhitespace || Self.isPunctuation(next))
        let canOpen: Bool
        let canClose: Bool
        if c == "_" {
            canOpen = left && (!right || Self.isPunctuation(prev))
            canClose = right && (!left || Self.isPunctuation(next))
        } else {
            canOpen = left
            canClose = right
        }
        var remaining = n
        var next_ = style
        if c == "~" {
            if n == 2 {
                if canClose && style.strike {
                    next_.strike = false
                    remaining = 0
                } else if canOpen && !style.strike {
                    next_.strike = true
                    remaining = 0
                }
            }
        } else {
            if canClose {
                if remaining >= 2 && next_.bold {
                    next_.bold = false
                    remaining -= 2
                }
                if remaining >= 1 && next_.italic {
                    next_.italic = false
                    remaining -= 1
                }
            }
            if canOpen && remaining > 0 {
                if remaining >= 2 && !next_.bold {
                    next_.bold = true
                    remaining -= 2
                }
                if remaining >= 1 && !next_.italic {
                    next_.italic = true
                    remaining -= 1
                }
            }
        }
        for _ in 0..<remaining { appendChar(c) }
        setStyle(next_)
        prevChar = c
    }

    /// `[text](url)` or `![alt](url)` at `pos`. The whole link is looked at before any of it is
    /// shown; `false` while it is still arriving.
    mutating func link(image: Bool) -> Bool {
        let open = pos + (image ? 1 : 0)
        func literal() -> Bool {
            pos += 1
            appendChar(image ? "!" : "[")
            return true
        }
        guard link == nil else { return literal() }
        var j = open + 1
        var depth = 0
        while true {
            guard let d = char(j) else { return atEnd ? literal() : false }
            if d == "\n" || d == Self.linkEnd || j - open > 500 { return literal() }
            if d == "\\" {
                j += 2
                continue
            }
            if d == "[" { depth += 1 }
            if d == "]" {
                if depth == 0 { break }
                depth -= 1
            }
            j += 1
        }
        guard let paren = char(j + 1) else { return atEnd ? literal() : false }
        guard paren == "(" else { return literal() }
        var k = j + 2
        var parens = 0
        while true {
            guard let d = char(k) else { return atEnd ? literal() : false }
            if d == "\n" || d == Self.linkEnd || k - j > 2000 { return literal() }
            if d == "(" { parens += 1 }
            if d == ")" {
                if parens == 0 { break }
                parens -= 1
            }
            k += 1
        }
        var target = String(input[(j + 2)..<k]).trimmingWhitespace()
        // A title (`"..."`) after the address is not shown.
        if let space = target.firstIndex(where: { $0 == " " }) { target = String(target[..<space]) }
        if target.hasPrefix("<") && target.hasSuffix(">") && target.count >= 2 { target = String(target.dropFirst().dropLast()) }
        var text = Array(input[(open + 1)..<j])
        if text.isEmpty { text = Array(image ? "image" : target) }
        input.replaceSubrange(pos...k, with: text + [Self.linkEnd])
        openLink(target)
        return true
    }

    /// `<https://…>` at `pos`.
    mutating func autolink() -> Bool {
        var j = pos + 1
        while let d = char(j), d != ">", !d.isWhitespace, d != Self.linkEnd, j - pos < 2000 { j += 1 }
        guard let end = char(j) else {
            if !atEnd { return false }
            pos += 1
            appendChar("<")
            return true
        }
        let target = String(input[(pos + 1)..<j])
        let lower = target.lowercased()
        guard end == ">", lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") else {
            pos += 1
            appendChar("<")
            return true
        }
        input.replaceSubrange(pos...j, with: Array(target) + [Self.linkEnd])
        openLink(target)
        return true
    }

    mutating func openLink(_ target: String) {
        // Only printable characters of the address go into the escape sequence.
        let clean = String(target.unicodeScalars.filter { $0.value >= 0x21 && $0.value != 0x7F }.map(Character.init))
        if hyperlinks { appendZeroWidth(MarkdownStyle.hyperlinkOpen(clean)) }
        var next = style
        next.link = true
        setStyle(next)
        link = clean
        linkText = ""
    }

    mutating func closeLink() {
        guard let target = link else { return }
        var next = style
        next.link = false
        setStyle(next)
        if hyperlinks { appendZeroWidth(MarkdownStyle.hyperlinkClose) }
        link = nil
        let shown = linkText.trimmingWhitespace()
        let bare = target.hasPrefix("mailto:") ? String(target.dropFirst(7)) : target
        if !hyperlinks && shown != target && shown != bare && !target.isEmpty {
            space()
            var dimmed = style
            dimmed.dim = true
            setStyle(dimmed)
            for ch in "(" + target + ")" { appendChar(ch) }
            dimmed.dim = false
            setStyle(dimmed)
        }
    }

    mutating func appendChar(_ c: Character) {
        if link != nil { linkText.append(c) }
        appendWord(String(c), width: c == "\t" ? 1 : DisplayWidth.of(c))
        prevChar = c
    }

    mutating func setStyle(_ next: InlineStyle) {
        guard next != style else { return }
        appendZeroWidth(MarkdownStyle.reset + MarkdownStyle.sgr(next.union(base)))
        style = next
    }
}
