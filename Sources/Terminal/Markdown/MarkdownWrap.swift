/// Word wrapping: a word is held until it ends, then goes on the line, or on the next one
/// (after the continuation prefix) when it does not fit.
extension MarkdownRenderer {
    mutating func space() {
        flushWord()
        prevChar = " "
        if link != nil { linkText.append(" ") }
        // Spaces at the start of a line's content are not shown.
        if lineHasContent { spaces += 1 }
    }

    mutating func markWordStart() {
        if word.isEmpty {
            wordStyle = style
            wordLink = link
        }
    }

    mutating func appendZeroWidth(_ s: String) {
        markWordStart()
        word += s
    }

    mutating func appendWord(_ s: String, width w: Int) {
        let available = max(1, width - contWidth)
        if w > 0 && wordWidth + w > available && !word.contains("://") {
            // Longer than a whole line: broken where the line ends (an address is not, so that
            // it can still be copied or clicked whole).
            flushWord()
        }
        if w >= 2 {
            // Wide (CJK) text has no spaces: a line may break before and after each character.
            flushWord()
            markWordStart()
            word += s
            wordWidth += w
            flushWord()
            return
        }
        markWordStart()
        word += s
        wordWidth += w
    }

    mutating func flushWord() {
        guard !word.isEmpty else { return }
        if wordWidth > 0 && lineHasContent && col + spaces + wordWidth > width {
            wrapLine()
        } else if spaces > 0 {
            out += String(repeating: " ", count: spaces)
            col += spaces
        }
        spaces = 0
        out += word
        col += wordWidth
        if wordWidth > 0 { lineHasContent = true }
        word = ""
        wordWidth = 0
    }

    /// Ends the output line before the held word and starts the next with the continuation
    /// prefix, the styles (and hyperlink) open where the word starts.
    mutating func wrapLine() {
        let open = wordStyle.union(base)
        if wordLink != nil && hyperlinks { out += MarkdownStyle.hyperlinkClose }
        if !open.isPlain { out += MarkdownStyle.reset }
        out += "\n" + contPrefix
        col = contWidth
        lineHasContent = false
        spaces = 0
        if let wordLink, hyperlinks { out += MarkdownStyle.hyperlinkOpen(wordLink) }
        if !open.isPlain { out += MarkdownStyle.sgr(open) }
    }
}
