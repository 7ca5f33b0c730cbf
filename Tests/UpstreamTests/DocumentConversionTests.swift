import ClaudeAPI
import Documents
import Foundation
import OpenAIAPI
import ScriptedUpstream
import Testing
import Translation
@testable import Upstream

/// A user message with a question and a base64 PDF document.
func pdfRequest(_ pdf: [UInt8], title: String? = "report.pdf", question: String = "Summarise the document.") -> MessagesRequest {
    let document = DocumentBlock(source: .base64(mediaType: "application/pdf", data: Data(pdf).base64EncodedString()), title: title)
    return MessagesRequest(
        model: "claude-sonnet-4-5",
        messages: [Message(role: .user, content: [.text(TextBlock(text: question)), .document(document)])],
        maxTokens: 256, stream: true)
}

/// The text of every user message of `chat`, parts joined.
func userText(_ chat: ChatRequest) -> String {
    chat.messages.filter { $0.role == .user }.map { message in
        switch message.content {
        case .text(let text): return text
        case .parts(let parts): return parts.map { if case .text(let t) = $0 { t } else { "" } }.joined(separator: "\n")
        case .none: return ""
        }
    }.joined(separator: "\n")
}

func imageParts(_ chat: ChatRequest) -> [String] {
    chat.messages.flatMap { message -> [String] in
        guard case .parts(let parts) = message.content else { return [] }
        return parts.compactMap { if case .imageURL(let url) = $0 { url } else { nil } }
    }
}

@Suite("DocumentConversion")
struct DocumentConversionTests {
    @Test func textPDFBecomesATextDocumentWithPageMarkers() throws {
        let request = pdfRequest(try Fixtures.bytes("documents/text.pdf"))
        let converted = try DocumentConversion(imagesAllowed: false).convert(request)
        let content = converted.messages[0].content
        #expect(content.count == 2)
        #expect(content[0] == .text(TextBlock(text: "Summarise the document.")))
        guard case .document(let document) = content[1], case .text(let text) = document.source else {
            Issue.record("expected a text document, got \(content[1])")
            return
        }
        #expect(document.title == "report.pdf")
        #expect(text.hasPrefix("--- page 1 of 2 ---\nQuarterly report of the Lighthouse Cooperative."))
        #expect(text.contains("--- page 2 of 2 ---\nSecond page: the keeper is Ada Lovelace."))
        // The translator turns it into text for the upstream, title first.
        let chat = try RequestTranslator(config: TranslationConfig()).translate(converted, upstreamModel: "m").chat
        #expect(userText(chat).contains("report.pdf\n\n--- page 1 of 2 ---"))
    }

    @Test func textAndContentDocumentsAreLeftAlone() throws {
        let request = MessagesRequest(
            model: "claude-sonnet-4-5",
            messages: [Message(role: .user, content: [
                .document(DocumentBlock(source: .text("plain words"), title: "notes")),
                .document(DocumentBlock(source: .content([.text(TextBlock(text: "listed"))]))),
                .document(DocumentBlock(source: .base64(mediaType: "text/plain", data: Data("hi".utf8).base64EncodedString()))),
            ])],
            maxTokens: 16)
        #expect(try DocumentConversion(imagesAllowed: true).convert(request) == request)
    }

    @Test func scanBecomesPageImagesThatRouteToTheVisionModel() throws {
        let request = pdfRequest(try Fixtures.bytes("documents/scan.pdf"), title: "scan.pdf")
        let config = TranslationConfig()
        #expect(ModelRouter(config: config).route(request) == config.middleModel)
        let converted = try DocumentConversion(imagesAllowed: true).convert(request)
        let content = converted.messages[0].content
        #expect(content.count == 4)
        #expect(content[1] == .text(TextBlock(text: "\"scan.pdf\": 2 pages without a text layer, as page images:")))
        for block in content[2...] {
            guard case .image(let image) = block, case .base64(let type, let data) = image.source,
                  let png = Data(base64Encoded: data) else {
                Issue.record("expected a PNG image block, got \(block)")
                continue
            }
            #expect(type == "image/png")
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        }
        #expect(ModelRouter(config: config).route(converted) == config.visionModel)
    }

    @Test func scanWithoutImagesIsAClear400() throws {
        let request = pdfRequest(try Fixtures.bytes("documents/scan.pdf"), title: "scan.pdf")
        let error = #expect(throws: APIError.self) { try DocumentConversion(imagesAllowed: false).convert(request) }
        #expect(error?.type == .invalidRequest)
        #expect(error?.message.hasPrefix("messages.0.content.1: PDF document \"scan.pdf\": ") == true)
        #expect(error?.message.contains("no text layer") == true)
    }

    @Test func brokenPDFsAreClear400s() throws {
        let text = try Fixtures.bytes("documents/text.pdf")
        let cases: [([UInt8], String)] = [
            (try Fixtures.bytes("documents/encrypted.pdf"), "encrypted"),
            (Array(text.prefix(60)), "damaged"),
            (Array("not a pdf".utf8), "not a PDF"),
        ]
        for (bytes, words) in cases {
            let error = #expect(throws: APIError.self) { try DocumentConversion(imagesAllowed: true).convert(pdfRequest(bytes)) }
            #expect(error?.type == .invalidRequest)
            #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        }
        var request = pdfRequest(text)
        request.messages[0].content[1] = .document(DocumentBlock(source: .base64(mediaType: "application/pdf", data: "%%%")))
        #expect(throws: APIError.self) { try DocumentConversion(imagesAllowed: true).convert(request) }
    }

    @Test func limitsAreCheckedBeforeDecoding() throws {
        let request = pdfRequest(try Fixtures.bytes("documents/text.pdf"))
        let bytes = #expect(throws: APIError.self) {
            try DocumentConversion(imagesAllowed: true, limits: .init(maxBytes: 100)).convert(request)
        }
        #expect(bytes?.message.contains("over the limit of 100 bytes") == true)
        let pages = #expect(throws: APIError.self) {
            try DocumentConversion(imagesAllowed: true, limits: .init(maxPages: 1)).convert(request)
        }
        #expect(pages?.message.contains("2 pages, over the limit of 1 pages") == true)
    }

    @Test func pdfInsideAToolResultIsConverted() throws {
        let pdf = Data(try Fixtures.bytes("documents/text.pdf")).base64EncodedString()
        let result = ToolResultBlock(toolUseID: "toolu_1", content: [
            .document(DocumentBlock(source: .base64(mediaType: "Application/PDF", data: pdf))),
        ])
        let request = MessagesRequest(
            model: "claude-sonnet-4-5",
            messages: [
                Message(role: .user, text: "read it"),
                Message(role: .assistant, content: [.toolUse(ToolUseBlock(id: "toolu_1", name: "read", input: [:]))]),
                Message(role: .user, content: [.toolResult(result)]),
            ],
            maxTokens: 16)
        let converted = try DocumentConversion(imagesAllowed: false).convert(request)
        guard case .toolResult(let out) = converted.messages[2].content[0], case .document(let document) = out.content[0],
              case .text(let text) = document.source else {
            Issue.record("expected a converted tool result")
            return
        }
        #expect(text.contains("Lamp oil stock: 340 litres."))
    }

    @Test func theCacheReturnsTheSameConversion() throws {
        let cache = DocumentCache(capacity: 1)
        let request = pdfRequest(try Fixtures.bytes("documents/text.pdf"))
        let conversion = DocumentConversion(imagesAllowed: false, limits: PDFLimits(), cache: cache)
        let first = try conversion.convert(request)
        guard case .document(let document) = request.messages[0].content[1], case .base64(_, let data) = document.source else { return }
        #expect(cache.content(for: data, imagesAllowed: false) != nil)
        #expect(cache.content(for: data, imagesAllowed: true) == nil)
        #expect(try conversion.convert(request) == first)
        cache.store(.text(.init(pages: ["other"])), for: "b", imagesAllowed: false)
        #expect(cache.content(for: data, imagesAllowed: false) == nil)  // capacity 1: the older one went
    }
}
