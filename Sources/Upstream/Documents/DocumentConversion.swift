#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ClaudeAPI
import Documents

/// Turns the PDF `document` blocks of a request into what open models read, before the
/// translation (which stays pure): the PDF's text with a marker line before each page, or,
/// for a PDF without a text layer, one image block per page (the images then route the
/// request to the vision model, see `ModelRouter`).
///
/// ```swift
/// let ready = try DocumentConversion(imagesAllowed: true).convert(request)
/// ```
///
/// Text documents, content-list documents and everything else pass through unchanged. A PDF
/// that cannot be read (damaged, encrypted, too large, too many pages, no text when images
/// cannot be sent, poppler missing) is an `invalid_request_error` naming the block.
public struct DocumentConversion: Sendable {
    /// Whether a PDF without a text layer may become page images (the vision model takes images).
    public var imagesAllowed: Bool
    public var limits: PDFLimits
    var cache: DocumentCache?

    public init(imagesAllowed: Bool, limits: PDFLimits = PDFLimits()) {
        self.imagesAllowed = imagesAllowed
        self.limits = limits
        self.cache = nil
    }

    init(imagesAllowed: Bool, limits: PDFLimits, cache: DocumentCache?) {
        self.imagesAllowed = imagesAllowed
        self.limits = limits
        self.cache = cache
    }

    /// `request` with every PDF document converted; the same request when it has none.
    public func convert(_ request: MessagesRequest) throws(APIError) -> MessagesRequest {
        guard request.messages.contains(where: { $0.content.contains(where: \.holdsPDF) }) else { return request }
        var request = request
        for m in request.messages.indices where request.messages[m].content.contains(where: \.holdsPDF) {
            request.messages[m].content = try convert(request.messages[m].content, path: "messages.\(m).content")
        }
        return request
    }

    func convert(_ blocks: [ContentBlock], path: String) throws(APIError) -> [ContentBlock] {
        var out: [ContentBlock] = []
        out.reserveCapacity(blocks.count)
        for (index, block) in blocks.enumerated() {
            switch block {
            case .document(let document):
                guard case .base64(let mediaType, let data) = document.source, Self.isPDF(mediaType) else {
                    out.append(block)
                    continue
                }
                out += try convertPDF(base64: data, title: document.title, path: "\(path).\(index)")
            case .toolResult(var result) where result.content.contains(where: \.holdsPDF):
                result.content = try convert(result.content, path: "\(path).\(index).content")
                out.append(.toolResult(result))
            default:
                out.append(block)
            }
        }
        return out
    }

    func convertPDF(base64: String, title: String?, path: String) throws(APIError) -> [ContentBlock] {
        let content: PDFContent
        if let cached = cache?.content(for: base64, imagesAllowed: imagesAllowed) {
            content = cached
        } else {
            // Refused before decoding: base64 is 4 characters for 3 bytes.
            let decodedSize = base64.utf8.count / 4 * 3
            if decodedSize > limits.maxBytes + 3 {
                throw Self.error(path, title, PDFError.tooLarge(bytes: decodedSize, limit: limits.maxBytes))
            }
            guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
                throw APIError(.invalidRequest, "\(path): document: source.data is not valid base64")
            }
            do {
                content = try PDFReader.read(Array(data), limits: limits, imagesWhenNoText: imagesAllowed)
            } catch {
                throw Self.error(path, title, error)
            }
            cache?.store(content, for: base64, imagesAllowed: imagesAllowed)
        }
        switch content {
        case .text(let text):
            return [.document(DocumentBlock(source: .text(text.marked), title: title))]
        case .pageImages(let pngs):
            let name = title.map { "\"\($0)\"" } ?? "A PDF document"
            let intro = "\(name): \(pngs.count) \(pngs.count == 1 ? "page" : "pages") without a text layer, as page images:"
            return [.text(TextBlock(text: intro))]
                + pngs.map { .image(ImageBlock(source: .base64(mediaType: "image/png", data: Data($0).base64EncodedString()))) }
        }
    }

    static func error(_ path: String, _ title: String?, _ error: PDFError) -> APIError {
        let name = title.map { " \"\($0)\"" } ?? ""
        return APIError(.invalidRequest, "\(path): PDF document\(name): \(error.message)")
    }

    /// `application/pdf`, in any case, with or without parameters.
    static func isPDF(_ mediaType: String) -> Bool {
        let type = mediaType.split(separator: ";", omittingEmptySubsequences: false).first ?? ""
        return type.filter { !$0.isWhitespace }.lowercased() == "application/pdf"
    }
}

extension ContentBlock {
    /// A base64 PDF document, or a tool result holding one.
    var holdsPDF: Bool {
        switch self {
        case .document(let document):
            if case .base64(let mediaType, _) = document.source { return DocumentConversion.isPDF(mediaType) }
            return false
        case .toolResult(let result): return result.content.contains(where: \.holdsPDF)
        default: return false
        }
    }
}
