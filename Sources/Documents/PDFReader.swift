import CPoppler

/// Reads PDFs with poppler-glib, which is loaded on first use (see `CPoppler`): the text of every
/// page, or the pages as PNG images when there is no text layer.
///
/// ```swift
/// switch try PDFReader.read(bytes, imagesWhenNoText: routesToVision) {
/// case .text(let text): send(text.marked)
/// case .pageImages(let pngs): send(pngs)
/// }
/// ```
///
/// Every failure is a ``PDFError`` (never a crash): not a PDF, damaged, encrypted, over the
/// limits, no text layer, poppler missing. poppler's own warnings about broken files are kept
/// off stderr.
public enum PDFReader {
    /// Whether poppler-glib can be loaded on this machine.
    public static var isAvailable: Bool { cpoppler_available() != 0 }

    /// The PDF as text, or as page images when it has no text layer and `imagesWhenNoText`.
    public static func read(_ bytes: [UInt8], limits: PDFLimits = PDFLimits(), imagesWhenNoText: Bool) throws(PDFError) -> PDFContent {
        let document = try open(bytes, limits: limits)
        let count = document.pageCount
        guard count > 0 else { throw .noPages }
        guard count <= limits.maxPages else { throw .tooManyPages(pages: count, limit: limits.maxPages) }
        let text = PDFText(pages: (0..<count).map { document.text(ofPage: $0) })
        if text.hasTextLayer { return .text(text) }
        guard imagesWhenNoText else { throw .noText(pages: count) }
        guard count <= limits.maxImagePages else { throw .tooManyImagePages(pages: count, limit: limits.maxImagePages) }
        var images: [[UInt8]] = []
        var total = 0
        for index in 0..<count {
            guard let png = document.png(ofPage: index, limits: limits) else { throw .renderFailed(page: index + 1) }
            total += png.count
            guard total <= limits.maxImageBytes else { throw .imagesTooLarge(bytes: total, limit: limits.maxImageBytes) }
            images.append(png)
        }
        return .pageImages(images)
    }

    /// The text of every page (empty pages stay empty), whatever the text layer.
    public static func text(_ bytes: [UInt8], limits: PDFLimits = PDFLimits()) throws(PDFError) -> PDFText {
        let document = try open(bytes, limits: limits)
        let count = document.pageCount
        guard count > 0 else { throw .noPages }
        guard count <= limits.maxPages else { throw .tooManyPages(pages: count, limit: limits.maxPages) }
        return PDFText(pages: (0..<count).map { document.text(ofPage: $0) })
    }

    static func open(_ bytes: [UInt8], limits: PDFLimits) throws(PDFError) -> PopplerDocument {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(bytes: bytes.count, limit: limits.maxBytes) }
        guard looksLikePDF(bytes) else { throw .notPDF }
        return try PopplerDocument(bytes)
    }

    /// `%PDF-` within the first 1024 bytes, where readers look for it.
    static func looksLikePDF(_ bytes: [UInt8]) -> Bool {
        let magic = Array("%PDF-".utf8)
        let window = bytes.prefix(1024)
        guard window.count >= magic.count else { return false }
        var start = window.startIndex
        while start + magic.count <= window.endIndex {
            if window[start..<(start + magic.count)].elementsEqual(magic) { return true }
            start += 1
        }
        return false
    }
}

/// One open poppler document; closed when released.
final class PopplerDocument {
    private let handle: OpaquePointer

    init(_ bytes: [UInt8]) throws(PDFError) {
        var status: Int32 = 0
        var message = [CChar](repeating: 0, count: 512)
        let opened = bytes.withUnsafeBytes { raw in
            message.withUnsafeMutableBufferPointer { buffer in
                cpoppler_open(raw.baseAddress, raw.count, &status, buffer.baseAddress, buffer.count)
            }
        }
        guard let opened else {
            let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch Int(status) {
            case Int(CPOPPLER_UNAVAILABLE): throw .popplerMissing(reason: reason)
            case Int(CPOPPLER_ENCRYPTED): throw .encrypted
            default: throw .damaged(reason: reason.isEmpty ? "unreadable" : reason)
            }
        }
        handle = opened
    }

    deinit { cpoppler_close(handle) }

    var pageCount: Int { Int(cpoppler_page_count(handle)) }

    /// The page's text; empty when it cannot be read.
    func text(ofPage index: Int) -> String {
        guard let text = cpoppler_page_text(handle, Int32(index)) else { return "" }
        defer { cpoppler_free(text) }
        return String(cString: text)
    }

    /// The page as PNG bytes, scaled to the limits; `nil` when it cannot be rendered.
    func png(ofPage index: Int, limits: PDFLimits) -> [UInt8]? {
        var width = 0.0
        var height = 0.0
        guard cpoppler_page_size(handle, Int32(index), &width, &height) != 0,
              let scale = limits.imageScale(width: width, height: height)
        else { return nil }
        var length = 0
        guard let data = cpoppler_render_png(handle, Int32(index), scale, &length) else { return nil }
        defer { cpoppler_free(data) }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }
}
