/// The text of a PDF, page by page (pure: no poppler here).
///
/// ```swift
/// let text = PDFText(pages: ["Hello", "World"])
/// text.marked   // "--- page 1 of 2 ---\nHello\n\n--- page 2 of 2 ---\nWorld"
/// ```
public struct PDFText: Sendable, Hashable {
    /// One string per page, trailing white space removed.
    public var pages: [String]

    public init(pages: [String]) {
        self.pages = pages.map(Self.tidy)
    }

    /// The pages with a marker line before each (`--- page 3 of 12 ---`), so the model can
    /// cite pages; a page without text says so.
    public var marked: String {
        let count = pages.count
        return pages.enumerated().map { index, text in
            let marker = "--- page \(index + 1) of \(count) ---"
            return text.isEmpty ? marker + "\n(no text on this page)" : marker + "\n" + text
        }.joined(separator: "\n\n")
    }

    /// Characters other than white space, over all pages.
    public var visibleCharacters: Int {
        pages.reduce(0) { total, page in total + page.unicodeScalars.count { !$0.properties.isWhitespace } }
    }

    /// Whether the PDF has a text layer worth sending: on average at least 4 visible characters
    /// a page. A scan has none (or a stray stamp or page number), a text PDF has hundreds a page.
    public var hasTextLayer: Bool {
        !pages.isEmpty && visibleCharacters >= 4 * pages.count
    }

    /// Trailing white space off each line and off the page; form feeds and other control
    /// characters (but tabs and line breaks) dropped.
    static func tidy(_ page: String) -> String {
        var lines: [Substring] = []
        for line in page.replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            var end = line.endIndex
            while end > line.startIndex, let last = line[..<end].last, last.isWhitespace { end = line.index(before: end) }
            lines.append(line[..<end])
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        let joined = lines.joined(separator: "\n")
        guard joined.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else { return joined }
        var kept = String.UnicodeScalarView()
        for scalar in joined.unicodeScalars where scalar.value >= 0x20 || scalar == "\n" || scalar == "\t" {
            kept.append(scalar)
        }
        return String(kept)
    }
}
