import ClaudeAPI
import Documents
import NIOPosix

extension MessagesService {
    /// The PDF conversions of this process: the same PDF sent with every turn is read once.
    static let documentCache = DocumentCache()

    /// ``convertingDocuments(_:roles:)`` on NIO's thread pool when there is a PDF to read: serve
    /// runs requests on its event loops (``EventLoopTaskExecutor``), which seconds of poppler
    /// would stall for every connection on them.
    func convertingDocumentsOffLoop(_ request: MessagesRequest) async throws(UpstreamFailure) -> MessagesRequest {
        guard request.messages.contains(where: { $0.content.contains(where: \.holdsPDF) }) else { return request }
        let roles = resolved()
        let result: Result<MessagesRequest, UpstreamFailure>
        do {
            result = try await NIOThreadPool.singleton.runIfActive {
                Result { () throws(UpstreamFailure) in try self.convertingDocuments(request, roles: roles) }
            }
        } catch {
            throw UpstreamFailure(APIError(.api, "The documents could not be read: \(error)"))
        }
        return try result.get()
    }

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
