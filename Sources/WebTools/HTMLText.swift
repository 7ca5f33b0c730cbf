/// Turns an HTML page into text a model can read: no script, style or markup; headings as
/// `#` lines, list items as `- ` lines, paragraphs and table rows on their own lines, link
/// text kept, character references decoded, whitespace collapsed (kept inside `<pre>`).
///
/// ```swift
/// HTMLText.readable("<h1>Title</h1><p>Hello <a href=/x>world</a></p>")  // "# Title\n\nHello world"
/// ```
///
/// Hand-written: no HTML parser is on the package mirror or in Debian as a small library for
/// Swift, and readable text needs only a forgiving tokenizer, not a DOM. Any byte sequence is
/// accepted; malformed markup degrades to text, never to an error.
public enum HTMLText {
    public static func readable(_ html: String) -> String {
        var reader = HTMLTextReader(Array(html.utf8))
        return reader.run()
    }
}

/// The tokenizer and the text it builds (a value; one pass over the bytes).
struct HTMLTextReader {
    private let bytes: [UInt8]
    private var position = 0
    private var output: [UInt8] = []
    /// Newlines owed before the next text (0, 1 or 2), and a space owed.
    private var pendingNewlines = 0
    private var pendingSpace = false
    private var preDepth = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        output.reserveCapacity(bytes.count / 3)
    }

    /// Elements whose content is never text for a reader.
    private static let skipped: Set<String> = [
        "script", "style", "noscript", "template", "svg", "iframe", "object", "head", "math", "select", "canvas",
        "title",
    ]
    private static let blocks: Set<String> = [
        "p", "div", "section", "article", "header", "footer", "nav", "aside", "main", "ul", "ol", "dl", "dd", "dt",
        "table", "tr", "blockquote", "pre", "form", "fieldset", "figure", "figcaption", "address", "details",
        "summary", "body", "html", "hr", "caption", "thead", "tbody", "tfoot",
    ]
    private static let paragraphs: Set<String> = ["p", "blockquote", "pre", "table", "ul", "ol", "hr", "figure"]

    mutating func run() -> String {
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "<") {
                readMarkup()
            } else if byte == UInt8(ascii: "&") {
                readReference()
            } else {
                emitTextByte(byte)
                position += 1
            }
        }
        // Trailing whitespace and newlines are dropped.
        while let last = output.last, last == 0x20 || last == 0x0A { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Text

    private mutating func emitTextByte(_ byte: UInt8) {
        if preDepth == 0, byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C {
            if !output.isEmpty { pendingSpace = true }
            return
        }
        flushPending()
        output.append(byte)
    }

    private mutating func emitText(_ text: String) {
        for byte in text.utf8 { emitTextByte(byte) }
    }

    private mutating func flushPending() {
        if pendingNewlines > 0 {
            while let last = output.last, last == 0x20 { output.removeLast() }
            if !output.isEmpty {
                var trailing = 0
                for b in output.reversed() { if b == 0x0A { trailing += 1 } else { break } }
                for _ in trailing..<max(trailing, pendingNewlines) { output.append(0x0A) }
            }
            pendingNewlines = 0
            pendingSpace = false
        } else if pendingSpace {
            if let last = output.last, last != 0x0A, last != 0x20 { output.append(0x20) }
            pendingSpace = false
        }
    }

    private mutating func breakLine(_ count: Int) {
        pendingNewlines = max(pendingNewlines, count)
    }

    // MARK: Markup

    private mutating func readMarkup() {
        let start = position
        // Comments, doctype, CDATA, processing instructions.
        if matches("<!--", at: position) {
            position = find("-->", from: position + 4).map { $0 + 3 } ?? bytes.count
            return
        }
        if matches("<![CDATA[", at: position) {
            let end = find("]]>", from: position + 9) ?? bytes.count
            for byte in bytes[(position + 9)..<end] { emitTextByte(byte) }
            position = min(bytes.count, end + 3)
            return
        }
        if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "!") || bytes[position + 1] == UInt8(ascii: "?") {
            position = find(">", from: position + 1).map { $0 + 1 } ?? bytes.count
            return
        }
        var cursor = position + 1
        var closing = false
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "/") {
            closing = true
            cursor += 1
        }
        let nameStart = cursor
        while cursor < bytes.count, Self.isNameByte(bytes[cursor]) { cursor += 1 }
        guard cursor > nameStart, Self.isLetter(bytes[nameStart]) else {
            // A lone `<` (as in `a < b`) is text.
            emitTextByte(bytes[start])
            position = start + 1
            return
        }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self).lowercased()
        let end = tagEnd(from: cursor)
        let selfClosing = end > 1 && bytes[end - 2] == UInt8(ascii: "/")
        position = end
        if closing {
            close(name)
        } else {
            open(name, selfClosing: selfClosing)
        }
    }

    /// The index after the `>` that ends a tag, skipping quoted attribute values.
    private func tagEnd(from index: Int) -> Int {
        var cursor = index
        var quote: UInt8?
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if let q = quote {
                if byte == q { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return cursor + 1
            }
            cursor += 1
        }
        return bytes.count
    }

    private mutating func open(_ name: String, selfClosing: Bool) {
        if Self.skipped.contains(name), !selfClosing {
            skipElement(name)
            return
        }
        switch name {
        case "br":
            flushPendingSpaceOnly()
            output.append(0x0A)
        case "h1", "h2", "h3", "h4", "h5", "h6":
            breakLine(2)
            let level = Int(name.utf8.last.map { $0 - UInt8(ascii: "0") } ?? 1)
            flushPending()
            output.append(contentsOf: Array(repeating: UInt8(ascii: "#"), count: level))
            output.append(0x20)
        case "li":
            breakLine(1)
            flushPending()
            output.append(contentsOf: Array("- ".utf8))
        case "td", "th":
            if pendingNewlines == 0, let last = output.last, last != 0x0A {
                pendingSpace = true
                flushPending()
                output.append(contentsOf: Array("| ".utf8))
            }
        case "title":
            breakLine(1)
        case "img":
            break
        default:
            if name == "pre" { preDepth += 1 }
            if Self.blocks.contains(name) { breakLine(Self.paragraphs.contains(name) ? 2 : 1) }
        }
    }

    private mutating func flushPendingSpaceOnly() {
        pendingSpace = false
        while let last = output.last, last == 0x20 { output.removeLast() }
    }

    private mutating func close(_ name: String) {
        switch name {
        case "h1", "h2", "h3", "h4", "h5", "h6": breakLine(2)
        case "li", "title", "tr": breakLine(1)
        default:
            if name == "pre" { preDepth = max(0, preDepth - 1) }
            if Self.blocks.contains(name) { breakLine(Self.paragraphs.contains(name) ? 2 : 1) }
        }
    }

    /// Skips to the end of `</name>` (case-insensitive), or to the end of the page.
    private mutating func skipElement(_ name: String) {
        let closing = Array("</\(name)".utf8)
        var cursor = position
        while cursor < bytes.count {
            if bytes[cursor] == UInt8(ascii: "<"), matchesLowercased(closing, at: cursor) {
                let after = cursor + closing.count
                if after >= bytes.count || !Self.isNameByte(bytes[after]) {
                    position = tagEnd(from: after)
                    if name == "head" { breakLine(1) }
                    return
                }
            }
            cursor += 1
        }
        position = bytes.count
    }

    // MARK: Character references

    private mutating func readReference() {
        var cursor = position + 1
        let limit = min(bytes.count, position + 12)
        while cursor < limit, bytes[cursor] != UInt8(ascii: ";"), Self.isNameByte(bytes[cursor]) || bytes[cursor] == UInt8(ascii: "#") {
            cursor += 1
        }
        guard cursor > position + 1 else {
            emitTextByte(bytes[position])
            position += 1
            return
        }
        let body = String(decoding: bytes[(position + 1)..<cursor], as: UTF8.self)
        let terminated = cursor < bytes.count && bytes[cursor] == UInt8(ascii: ";")
        if let scalar = Self.decode(body) {
            position = terminated ? cursor + 1 : cursor
            if scalar == "\u{A0}" {
                emitTextByte(0x20)
            } else {
                emitText(String(Character(scalar)))
            }
        } else {
            emitTextByte(bytes[position])
            position += 1
        }
    }

    static func decode(_ body: String) -> Unicode.Scalar? {
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
            return UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).flatMap(Self.allowed)
        }
        if body.hasPrefix("#") {
            return UInt32(body.dropFirst(1)).flatMap(Unicode.Scalar.init).flatMap(Self.allowed)
        }
        return named[body]
    }

    /// NUL and other C0 controls from a reference become nothing useful: refused.
    private static func allowed(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        scalar.value < 0x20 && scalar != "\n" && scalar != "\t" ? nil : scalar
    }

    private static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "copy": "\u{A9}",
        "reg": "\u{AE}", "trade": "\u{2122}", "mdash": "\u{2014}", "ndash": "\u{2013}", "hellip": "\u{2026}",
        "lsquo": "\u{2018}", "rsquo": "\u{2019}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "laquo": "\u{AB}",
        "raquo": "\u{BB}", "middot": "\u{B7}", "bull": "\u{2022}", "euro": "\u{20AC}", "pound": "\u{A3}",
        "yen": "\u{A5}", "cent": "\u{A2}", "deg": "\u{B0}", "times": "\u{D7}", "divide": "\u{F7}",
        "shy": "\u{AD}", "zwj": "\u{200D}", "zwnj": "\u{200C}", "thinsp": "\u{2009}", "ensp": "\u{2002}",
        "emsp": "\u{2003}", "sect": "\u{A7}", "para": "\u{B6}", "larr": "\u{2190}", "rarr": "\u{2192}",
    ]

    // MARK: Byte helpers

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        isLetter(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ":")
    }

    private func matches(_ literal: String, at index: Int) -> Bool {
        let lit = Array(literal.utf8)
        guard index + lit.count <= bytes.count else { return false }
        for (offset, byte) in lit.enumerated() where bytes[index + offset] != byte { return false }
        return true
    }

    private func matchesLowercased(_ lit: [UInt8], at index: Int) -> Bool {
        guard index + lit.count <= bytes.count else { return false }
        for (offset, byte) in lit.enumerated() {
            var b = bytes[index + offset]
            if b >= 0x41 && b <= 0x5A { b += 0x20 }
            if b != byte { return false }
        }
        return true
    }

    private func find(_ literal: String, from index: Int) -> Int? {
        let lit = Array(literal.utf8)
        guard let first = lit.first, index < bytes.count else { return nil }
        var cursor = index
        while cursor + lit.count <= bytes.count {
            if bytes[cursor] == first, matches(literal, at: cursor) { return cursor }
            cursor += 1
        }
        return nil
    }
}

extension HTMLText {
    /// The text of the page's `<title>`, when it has one.
    public static func title(_ html: String) -> String? {
        let bytes = Array(html.utf8)
        guard let open = find(Array("<title".utf8), in: bytes, from: 0),
              let tagEnd = bytes[open...].firstIndex(of: UInt8(ascii: ">")),
              let close = find(Array("</title".utf8), in: bytes, from: tagEnd)
        else { return nil }
        let title = readable(String(decoding: bytes[(tagEnd + 1)..<close], as: UTF8.self))
        return title.isEmpty ? nil : String(title.prefix(300))
    }

    /// The first index of `needle` (lowercase ASCII) in `bytes`, ignoring ASCII case.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            var matched = true
            for (offset, want) in needle.enumerated() {
                var b = bytes[index + offset]
                if b >= 0x41 && b <= 0x5A { b += 0x20 }
                if b != want { matched = false; break }
            }
            if matched { return index }
            index += 1
        }
        return nil
    }
}
