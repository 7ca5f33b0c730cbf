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
        let rendered = body.enumerated().map { index, row in
            row.map { cell -> (String, Int) in
                var inline = MarkdownRenderer(width: Int.max / 4, hyperlinks: hyperlinks)
                inline.inlineOnly = true
                var text = inline.feed(Substring(cell)) + inline.finish()
                if text.hasSuffix("\n") { text.removeLast() }
                if index == 0 { text = "\u{1B}[1m" + text + MarkdownStyle.reset }
                return (text, DisplayWidth.visible(text))
            }
        }
        var widths = Array(repeating: 1, count: columns)
        for row in rendered {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.1) }
        }
        let bar = MarkdownStyle.dim("│")
        for (index, row) in rendered.enumerated() {
            var line = ""
            for (i, cell) in row.enumerated() {
                let room = widths[i] - cell.1
                let align = i < aligns.count ? aligns[i] : .left
                let before = align == .right ? room : align == .center ? room / 2 : 0
                line += (i == 0 ? " " : " " + bar + " ") + String(repeating: " ", count: before) + cell.0
                    + String(repeating: " ", count: room - before)
            }
            out += line + "\n"
            if index == 0 {
                out += MarkdownStyle.dim(widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: "┼")) + "\n"
            }
        }
        wroteBlock = true
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
