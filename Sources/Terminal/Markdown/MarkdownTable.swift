/// Tables: the rows are held until the table ends, then drawn with aligned columns.
extension MarkdownRenderer {
    enum Alignment { case left, center, right }

    mutating func flushTable() {
        let rows = table.map(Self.cells)
        let lines = table
        table = []
        guard rows.count >= 2, let aligns = Self.alignments(rows[1]), !rows[0].isEmpty else {
            // Not a table after all: the lines are read again as text.
            forcedTextLines = lines.count
            input.insert(contentsOf: Array(lines.map { $0 + "\n" }.joined()), at: pos)
            return
        }
        if blankPending {
            out += "\n"
            blankPending = false
        }
        let columns = rows[0].count
        var body = [rows[0]] + rows.dropFirst(2)
        body = body.map { row in
            let cut = Array(row.prefix(columns))
            return cut + Array(repeating: "", count: columns - cut.count)
        }
        let natural = body.map { row in row.map { cellLines($0, width: Int.max / 4).first?.1 ?? 0 } }
        var widths = Array(repeating: 1, count: columns)
        for row in natural {
            for (i, w) in row.enumerated() { widths[i] = max(widths[i], w) }
        }
        let fitted = Self.fit(widths, into: width - 1 - 3 * (columns - 1))
        let bar = MarkdownStyle.dim("│")
        for (index, row) in body.enumerated() {
            var cells = row.enumerated().map { i, cell in cellLines(cell, width: fitted[i]) }
            if index == 0 {
                cells = cells.map { lines in lines.map { ("\u{1B}[1m" + $0.0 + MarkdownStyle.reset, $0.1) } }
            }
            let height = cells.map(\.count).max() ?? 1
            for k in 0..<height {
                var line = ""
                for (i, lines) in cells.enumerated() {
                    let (text, w) = k < lines.count ? lines[k] : ("", 0)
                    let room = max(0, fitted[i] - w)
                    let align = i < aligns.count ? aligns[i] : .left
                    let before = align == .right ? room : align == .center ? room / 2 : 0
                    line += (i == 0 ? " " : " " + bar + " ") + String(repeating: " ", count: before) + text
                        + String(repeating: " ", count: room - before)
                }
                out += line + "\n"
            }
            if index == 0 {
                out += MarkdownStyle.dim("─" + fitted.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")) + "\n"
            }
        }
        wroteBlock = true
    }

    /// A cell's text rendered (inline markdown only) and wrapped to `width`: its lines and their widths.
    func cellLines(_ cell: String, width: Int) -> [(String, Int)] {
        var inline = MarkdownRenderer(width: max(1, width), hyperlinks: hyperlinks)
        inline.inlineOnly = true
        let text = inline.feed(Substring(cell)) + inline.finish()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let rendered = lines.map { (String($0), DisplayWidth.visible(String($0))) }
        return rendered.isEmpty ? [("", 0)] : rendered
    }

    /// Column widths that fit `budget` columns: narrow columns keep their width, the wide ones
    /// share what is left (at least 3 columns each; a table that cannot fit keeps its widths).
    static func fit(_ widths: [Int], into budget: Int) -> [Int] {
        guard widths.reduce(0, +) > budget, budget >= 3 * widths.count else { return widths }
        var fitted = widths
        var remaining = budget
        var open = Array(widths.indices)
        while !open.isEmpty {
            let share = remaining / open.count
            let narrow = open.filter { widths[$0] <= share }
            if narrow.isEmpty {
                var extra = remaining - share * open.count
                for i in open {
                    fitted[i] = share + (extra > 0 ? 1 : 0)
                    extra -= 1
                }
                break
            }
            for i in narrow { remaining -= widths[i] }
            open.removeAll { narrow.contains($0) }
        }
        return fitted
    }

    /// The cells of a row: split at `|` outside code spans and not escaped, the outer pipes dropped.
    static func cells(_ row: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        var inCode = false
        for ch in row {
            if escaped {
                if ch != "|" { current.append("\\") }
                current.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "`" {
                inCode.toggle()
                current.append(ch)
            } else if ch == "|" && !inCode {
                cells.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        if escaped { current.append("\\") }
        cells.append(current)
        var trimmed = cells.map { $0.trimmingWhitespace() }
        if trimmed.first == "" { trimmed.removeFirst() }
        if trimmed.last == "" { trimmed.removeLast() }
        return trimmed
    }

    /// The column alignments of a delimiter row (`|---|:-:|--:|`), or `nil` when it is not one.
    static func alignments(_ cells: [String]) -> [Alignment]? {
        guard !cells.isEmpty else { return nil }
        var aligns: [Alignment] = []
        for cell in cells {
            let core = cell.trimming(":")
            guard !core.isEmpty, core.allSatisfy({ $0 == "-" }) else { return nil }
            let left = cell.hasPrefix(":")
            let right = cell.hasSuffix(":")
            aligns.append(left && right ? .center : right ? .right : .left)
        }
        return aligns
    }
}

extension String {
    fileprivate func trimming(_ set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
