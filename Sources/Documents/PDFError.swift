/// Why a PDF could not be read; ``message`` is the sentence a client is shown (a 400).
public enum PDFError: Error, Sendable, Hashable {
    /// poppler-glib is not installed (or could not be loaded): `reason` is the loader's.
    case popplerMissing(reason: String)
    /// The bytes do not start like a PDF.
    case notPDF
    /// poppler could not read it (damaged or truncated); `reason` is poppler's.
    case damaged(reason: String)
    /// It needs a password to open.
    case encrypted
    /// It opens but has no pages.
    case noPages
    case tooLarge(bytes: Int, limit: Int)
    case tooManyPages(pages: Int, limit: Int)
    /// No text layer (a scan), and page images are not wanted.
    case noText(pages: Int)
    /// No text layer, and too many pages to send as images.
    case tooManyImagePages(pages: Int, limit: Int)
    /// No text layer, and a page could not be rendered (`page` from 1).
    case renderFailed(page: Int)
    /// No text layer, and the page images together are too large.
    case imagesTooLarge(bytes: Int, limit: Int)

    /// The Debian package that provides poppler-glib.
    public static let popplerPackage = "libpoppler-glib8"

    /// What went wrong and what to do, for the client.
    public var message: String {
        switch self {
        case .popplerMissing(let reason):
            return "PDF documents need poppler-glib, which is not installed on the server (\(reason)); install the Debian package \(Self.popplerPackage) (or libpoppler-glib-dev), or send the document's text instead."
        case .notPDF:
            return "the data is not a PDF (it does not start with %PDF-)."
        case .damaged(let reason):
            return "the PDF could not be read, it is damaged or not a PDF (\(reason))."
        case .encrypted:
            return "the PDF is encrypted and needs a password; send a copy without a password, or its text."
        case .noPages:
            return "the PDF has no pages."
        case .tooLarge(let bytes, let limit):
            return "the PDF is \(bytes) bytes, over the limit of \(limit) bytes."
        case .tooManyPages(let pages, let limit):
            return "the PDF has \(pages) pages, over the limit of \(limit) pages; send fewer pages."
        case .noText(let pages):
            return "the PDF (\(pages) \(pages == 1 ? "page" : "pages")) has no text layer (it is probably scanned), and page images cannot be sent to the model answering this request; send the text (OCR it first) or route the request to a vision model."
        case .tooManyImagePages(let pages, let limit):
            return "the PDF has no text layer (it is probably scanned) and \(pages) pages; at most \(limit) pages are sent as images. Send fewer pages or the text."
        case .renderFailed(let page):
            return "the PDF has no text layer and page \(page) could not be rendered as an image."
        case .imagesTooLarge(let bytes, let limit):
            return "the PDF has no text layer and its page images come to \(bytes) bytes, over the limit of \(limit) bytes; send fewer pages."
        }
    }
}
