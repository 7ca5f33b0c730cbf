import ClaudeAPI
import Foundation
import ScriptedUpstream
import Testing
import Translation
@testable import Upstream

@Suite("MessagesService documents")
struct DocumentServiceTests {
    @Test func pdfTextReachesTheUpstream() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("It is a quarterly report."))
            let events = try await h.events(pdfRequest(try Fixtures.bytes("documents/text.pdf")))
            #expect(events.contains { if case .messageStop = $0 { true } else { false } })
            let chat = try #require(h.upstream.chatRequests.last)
            let text = userText(chat)
            #expect(text.contains("--- page 1 of 2 ---"))
            #expect(text.contains("Second page: the keeper is Ada Lovelace."))
            #expect(chat.model == TranslationConfig().middleModel)
        }
    }

    @Test func scanGoesAsPageImagesToTheVisionModel() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("Two coloured boxes."))
            _ = try await h.events(pdfRequest(try Fixtures.bytes("documents/scan.pdf")))
            let chat = try #require(h.upstream.chatRequests.last)
            #expect(chat.model == TranslationConfig().visionModel)
            let images = imageParts(chat)
            #expect(images.count == 2)
            #expect(images.allSatisfy { $0.hasPrefix("data:image/png;base64,iVBOR") })
        }
    }

    @Test func scanIsA400WhenTheVisionModelTakesNoImages() async throws {
        let vision = TranslationConfig().visionModel
        try await UpstreamHarness.with(catalogue: { _, logger in
            ModelCatalogue.fixed([CatalogueModel(id: vision, acceptsImages: false)], logger: logger)
        }) { h in
            let request = pdfRequest(try Fixtures.bytes("documents/scan.pdf"))
            do {
                _ = try await h.service.stream(request)
                Issue.record("expected a 400")
            } catch let error as UpstreamFailure {
                #expect(error.status == 400)
                #expect(error.error.message.contains("no text layer"))
            } catch {
                Issue.record("unexpected \(error)")
            }
            #expect(h.upstream.chatRequests.isEmpty)
        }
    }

    @Test func encryptedPDFIsA400AndNothingIsSent() async throws {
        try await UpstreamHarness.with { h in
            let request = pdfRequest(try Fixtures.bytes("documents/encrypted.pdf"))
            do {
                _ = try await h.service.stream(request)
                Issue.record("expected a 400")
            } catch let error as UpstreamFailure {
                #expect(error.status == 400)
                #expect(error.error.type == .invalidRequest)
                #expect(error.error.message.contains("encrypted"))
            } catch {
                Issue.record("unexpected \(error)")
            }
            #expect(h.upstream.chatRequests.isEmpty)
        }
    }

    @Test func countTokensCountsThePDFText() async throws {
        try await UpstreamHarness.with { h in
            let withPDF = try h.service.countTokens(pdfRequest(try Fixtures.bytes("documents/text.pdf")))
            let without = try h.service.countTokens(claudeRequest("Summarise the document."))
            let text = try #require(try? DocumentConversion(imagesAllowed: false).convert(pdfRequest(try Fixtures.bytes("documents/text.pdf"))))
            #expect(withPDF == TokenEstimator.estimate(text))
            // Four lines of text and markers: about 60 tokens more than the question alone.
            #expect(withPDF - without > 40 && withPDF - without < 100)
            #expect(throws: UpstreamFailure.self) {
                try h.service.countTokens(pdfRequest(try Fixtures.bytes("documents/encrypted.pdf")))
            }
        }
    }
}
