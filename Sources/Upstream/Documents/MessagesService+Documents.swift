import ClaudeAPI
import Documents

extension MessagesService {
    /// The PDF conversions of this process: the same PDF sent with every turn is read once.
    static let documentCache = DocumentCache()

    /// `request` with its PDF documents as text (or page images when there is no text layer
    /// and the vision model takes images); see ``DocumentConversion``.
    func convertingDocuments(_ request: MessagesRequest, roles: ModelResolution) throws(UpstreamFailure) -> MessagesRequest {
        let vision = roles.config.visionModel
        let imagesAllowed = !vision.isEmpty && catalogue?.model(vision)?.acceptsImages != false
        do {
            return try DocumentConversion(imagesAllowed: imagesAllowed, limits: PDFLimits(), cache: Self.documentCache)
                .convert(request)
        } catch {
            throw UpstreamFailure(error)
        }
    }
}
