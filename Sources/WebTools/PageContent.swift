/// What a fetched body is, from its `Content-Type` (or, without one, its first bytes), and its
/// text. Pure.
public enum PageContent {
    public enum Kind: Sendable, Hashable {
        case html, text, pdf
        case unsupported(String)

        var defaultMediaType: String {
            switch self {
            case .html: return "text/html"
            case .text: return "text/plain"
            case .pdf: return "application/pdf"
            case .unsupported(let type): return type
            }
        }
    }

    /// The media type without parameters, lowercased; `nil` when empty.
    public static func mediaType(_ contentType: String) -> String? {
        let type = (contentType.split(separator: ";").first.map(String.init) ?? "").trimmingWhitespace().lowercased()
        return type.isEmpty ? nil : type
    }

    public static func kind(contentType: String, body: [UInt8]) -> Kind {
        guard let type = mediaType(contentType), type != "application/octet-stream" else { return sniff(body) }
        switch type {
        case "text/html", "application/xhtml+xml": return .html
        case "application/pdf", "application/x-pdf": return .pdf
        case "application/json", "application/xml", "application/javascript", "application/x-ndjson",
            "application/yaml", "application/x-yaml", "application/toml", "application/ld+json":
            return .text
        default:
            if type.hasPrefix("text/") || type.hasSuffix("+json") || type.hasSuffix("+xml") { return .text }
            return .unsupported(type)
        }
    }

    /// Without a useful `Content-Type`: `%PDF` is a PDF, markup is HTML, UTF-8 is text.
    static func sniff(_ body: [UInt8]) -> Kind {
        if body.starts(with: Array("%PDF".utf8)) { return .pdf }
        let head = String(decoding: body.prefix(512), as: UTF8.self).lowercased()
        if head.contains("<html") || head.contains("<!doctype html") || head.contains("<body") { return .html }
        if body.prefix(4096).contains(0) { return .unsupported("application/octet-stream") }
        return .text
    }

    /// The body as text: UTF-8 unless the `charset` says Latin-1 / Windows-1252 (read byte by
    /// byte); invalid UTF-8 becomes U+FFFD, never an error.
    public static func decode(_ body: [UInt8], contentType: String) -> String {
        let lower = contentType.lowercased()
        if lower.contains("charset=iso-8859-1") || lower.contains("charset=latin1") || lower.contains("charset=windows-1252") {
            var text = ""
            text.unicodeScalars.append(contentsOf: body.map { Unicode.Scalar($0) })
            return text
        }
        var bytes = body[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
