/// What a line of markdown is, as its first characters tell.
struct LineStart: Sendable {
    enum Kind: Sendable {
        case blank
        case heading(Int)
        case rule
        case fence(MarkdownRenderer.Fence, info: String)
        case tableRow(String)
        /// A list item: its indentation and the marker drawn for it (`•`, `2.`, `☐`).
        case item(indent: Int, marker: String)
        case text(indent: Int)
    }

    var kind: Kind
    /// How many characters of the line the kind takes (the prefix; a whole line for blocks held whole).
    var consumed: Int
    var quoteDepth = 0
}

extension MarkdownRenderer {
    /// The index of the newline ending the line that holds `i` (the end of the input once it is
    /// complete); `nil` while the line is still arriving.
    func lineEnd(from i: Int) -> Int? {
        var j = i
        while let c = char(j) {
            if c == "\n" { return j }
            j += 1
        }
        return atEnd ? j : nil
    }

    /// Past the newline at `end` (if there is one).
    func after(_ end: Int) -> Int { end < input.count ? end + 1 : end }

    /// The line starting at `p`, or `nil` while its first characters leave it undecided.
    func classify(at p: Int, allowBlocks: Bool) -> LineStart? {
        var i = p
        var indent = 0
        while let c = char(i), c == " " || c == "\t" {
            indent += c == "\t" ? 4 : 1
            i += 1
        }
        guard let c = char(i) else { return atEnd ? LineStart(kind: .blank, consumed: i - p) : nil }
        if c == "\n" { return LineStart(kind: .blank, consumed: i + 1 - p) }
        let text = LineStart(kind: .text(indent: indent), consumed: i - p)
        guard allowBlocks else { return text }

        switch c {
        case "#":
            var n = 0
            while char(i + n) == "#" { n += 1 }
            guard let next = char(i + n) else {
                return atEnd ? (n <= 6 ? LineStart(kind: .heading(n), consumed: i + n - p) : text) : nil
            }
            guard n <= 6 else { return text }
            if next == "\n" { return LineStart(kind: .heading(n), consumed: i + n - p) }
            if next == " " || next == "\t" { return LineStart(kind: .heading(n), consumed: i + n + 1 - p) }
            return text
        case "`", "~":
            var n = 0
            while char(i + n) == c { n += 1 }
            guard char(i + n) != nil || atEnd else { return nil }
            guard n >= 3, allowBlocks else { return text }
            guard let end = lineEnd(from: i + n) else { return nil }
            let info = String(input[(i + n)..<end]).trimmingWhitespace()
            if c == "`" && info.contains("`") { return text }
            return LineStart(kind: .fence(Fence(marker: c, count: n, indent: indent), info: info), consumed: after(end) - p)
        case "|":
            guard let end = lineEnd(from: i) else { return nil }
            return LineStart(kind: .tableRow(String(input[i..<end])), consumed: after(end) - p)
        case ">":
            var j = i
            var depth = 0
            while char(j) == ">" {
                depth += 1
                j += 1
                guard let next = char(j) else {
                    if atEnd { break }
                    return nil
                }
                if next == " " { j += 1 }
                // `> > x` nests too.
                var k = j
                while char(k) == " " { k += 1 }
                if char(k) == ">" { j = k } else if char(k) == nil && !atEnd { return nil }
            }
            guard var inner = classify(at: j, allowBlocks: true) else { return nil }
            switch inner.kind {
            case .fence, .tableRow:
                // Fences and tables inside quotes are shown as quoted text.
                var k = j
                while char(k) == " " || char(k) == "\t" { k += 1 }
                inner = LineStart(kind: .text(indent: 0), consumed: k - j)
            default:
                break
            }
            inner.consumed += j - p
            inner.quoteDepth = depth
            return inner
        case "-", "*", "_", "+":
            if c != "+" {
                // A rule: three or more of one of `-*_`, spaces between allowed.
                var j = i
                var count = 0
                var broken = false
                while let d = char(j), d != "\n" {
                    if d == c {
                        count += 1
                    } else if d != " " && d != "\t" {
                        broken = true
                        break
                    }
                    j += 1
                }
                if !broken {
                    if char(j) == nil && !atEnd { return nil }
                    if count >= 3 { return LineStart(kind: .rule, consumed: after(j) - p) }
                }
            }
            if needsMoreForItem(at: i) { return nil }
            return classifyItem(at: i, indent: indent).map { LineStart(kind: $0.kind, consumed: $0.consumed + i - p) } ?? text
        case "0"..."9":
            if needsMoreForItem(at: i) { return nil }
            return classifyItem(at: i, indent: indent).map { LineStart(kind: $0.kind, consumed: $0.consumed + i - p) } ?? text
        default:
            return text
        }
    }

    /// Whether the characters at `i` may still become a list item marker but do not tell yet.
    func needsMoreForItem(at i: Int) -> Bool {
        guard !atEnd else { return false }
        guard let c = char(i) else { return true }
        var j = i
        if c == "-" || c == "*" || c == "+" {
            j += 1
        } else if c.isASCII && c.isNumber {
            while let d = char(j), d.isASCII && d.isNumber, j - i < 9 { j += 1 }
            guard let d = char(j) else { return true }
            guard d == "." || d == ")" else { return false }
            j += 1
        } else {
            return false
        }
        guard let space = char(j) else { return true }
        guard space == " " || space == "\t" else { return false }
        // A task box `[ ] ` or `[x] ` may follow.
        let box = j + 1
        guard let open = char(box) else { return true }
        guard open == "[" else { return false }
        guard let mark = char(box + 1) else { return true }
        guard mark == " " || mark == "x" || mark == "X" else { return false }
        guard let close = char(box + 2) else { return true }
        guard close == "]" else { return false }
        return char(box + 3) == nil
    }

    /// The list item starting at `i` (its marker and the space after it), if it is one. Call
    /// only once ``needsMoreForItem(at:)`` is false.
    func classifyItem(at i: Int, indent: Int) -> LineStart? {
        guard let c = char(i) else { return nil }
        var j = i
        var marker: String
        if c == "-" || c == "*" || c == "+" {
            j += 1
            marker = ["•", "◦", "▪"][min(2, indent / 2)]
        } else if c.isASCII && c.isNumber {
            while let d = char(j), d.isASCII && d.isNumber, j - i < 9 { j += 1 }
            guard let d = char(j), d == "." || d == ")" else { return nil }
            j += 1
            marker = String(input[i..<j])
        } else {
            return nil
        }
        guard let space = char(j), space == " " || space == "\t" else { return nil }
        j += 1
        if char(j) == "[", let mark = char(j + 1), mark == " " || mark == "x" || mark == "X", char(j + 2) == "]",
           char(j + 3) == " " || char(j + 3) == "\n" || (char(j + 3) == nil && atEnd) {
            marker = mark == " " ? "☐" : "☑"
            j += 3
            if char(j) == " " { j += 1 }
        }
        return LineStart(kind: .item(indent: indent, marker: marker), consumed: j - i)
    }
}
