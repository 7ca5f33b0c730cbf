import Documents
import Testing

@Suite("PDFReader")
struct PDFReaderTests {
    @Test func popplerLoads() {
        #expect(PDFReader.isAvailable, "install libpoppler-glib8 (scripts/deps)")
    }

    @Test func textPDFBecomesItsTextWithPageMarkers() throws {
        let content = try PDFReader.read(try PDFFixtures.text(), imagesWhenNoText: false)
        guard case .text(let text) = content else {
            Issue.record("expected text, got \(content)")
            return
        }
        #expect(text.pages.count == 2)
        #expect(text.hasTextLayer)
        let marked = text.marked
        #expect(marked.hasPrefix("--- page 1 of 2 ---\nQuarterly report of the Lighthouse Cooperative."))
        #expect(marked.contains("\n\n--- page 2 of 2 ---\nSecond page: the keeper is Ada Lovelace."))
        #expect(marked.contains("Lamp oil stock: 340 litres."))
    }

    @Test func scanWithoutTextIsRefusedWhenImagesAreNotWanted() throws {
        #expect(throws: PDFError.noText(pages: 2)) {
            try PDFReader.read(try PDFFixtures.scan(), imagesWhenNoText: false)
        }
        #expect(PDFError.noText(pages: 2).message.contains("no text layer"))
    }

    @Test func scanBecomesOnePNGPerPageScaledToTheLongSide() throws {
        let content = try PDFReader.read(try PDFFixtures.scan(), imagesWhenNoText: true)
        guard case .pageImages(let pngs) = content else {
            Issue.record("expected page images, got \(content)")
            return
        }
        #expect(pngs.count == 2)
        for png in pngs {
            let size = try #require(pngSize(png))
            // A US Letter page (612 x 792 pt): the long side becomes 1568 px.
            #expect(size.1 == 1568)
            #expect(size.0 == 1211)
        }
        #expect(pngs[0] != pngs[1])
    }

    @Test func smallImageLimitsAreKept() throws {
        let scan = try PDFFixtures.scan()
        #expect(throws: PDFError.tooManyImagePages(pages: 2, limit: 1)) {
            try PDFReader.read(scan, limits: PDFLimits(maxImagePages: 1), imagesWhenNoText: true)
        }
        #expect(throws: PDFError.self) {
            try PDFReader.read(scan, limits: PDFLimits(maxImageBytes: 100), imagesWhenNoText: true)
        }
        let content = try PDFReader.read(scan, limits: PDFLimits(imageLongSide: 200), imagesWhenNoText: true)
        guard case .pageImages(let pngs) = content, let first = pngs.first else {
            Issue.record("expected page images")
            return
        }
        #expect(pngSize(first)?.1 == 200)
    }

    @Test func encryptedPDFIsRefused() throws {
        #expect(throws: PDFError.encrypted) {
            try PDFReader.read(try PDFFixtures.encrypted(), imagesWhenNoText: true)
        }
        #expect(PDFError.encrypted.message.contains("password"))
    }

    @Test func truncatedAndGarbledPDFsAreDamagedNotACrash() throws {
        let text = try PDFFixtures.text()
        for cut in [9, 40, 200, text.count / 2, text.count - 30] {
            do {
                let content = try PDFReader.read(Array(text.prefix(cut)), imagesWhenNoText: true)
                // poppler rebuilds some truncated files; then the result must still be sound.
                if case .text(let t) = content { #expect(t.pages.count <= 2) }
            } catch {
                switch error {
                case .damaged, .noText, .renderFailed, .tooManyImagePages: break
                default: Issue.record("cut at \(cut): unexpected \(error)")
                }
            }
        }
        #expect(throws: PDFError.self) {
            try PDFReader.read(Array("%PDF-1.7\nthis is not a pdf at all".utf8), imagesWhenNoText: true)
        }
        var flipped = text
        for i in stride(from: 20, to: flipped.count, by: 7) { flipped[i] ^= 0x5A }
        _ = try? PDFReader.read(flipped, imagesWhenNoText: true)
    }

    @Test func aPDFWithoutPagesIsRefused() throws {
        // Found by the PDF fuzzer: poppler opens it, and it has no page at all.
        let bytes = try PDFFixtures.bytes("fuzz-no-pages.pdf")
        #expect(throws: PDFError.noPages) { try PDFReader.read(bytes, imagesWhenNoText: true) }
        #expect(throws: PDFError.noPages) { try PDFReader.text(bytes) }
    }

    @Test func nonPDFBytesAreNotAPDF() {
        #expect(throws: PDFError.notPDF) { try PDFReader.read(Array("hello".utf8), imagesWhenNoText: false) }
        #expect(throws: PDFError.notPDF) { try PDFReader.read([], imagesWhenNoText: false) }
        #expect(throws: PDFError.notPDF) { try PDFReader.read([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0], imagesWhenNoText: false) }
    }

    @Test func byteAndPageLimitsAreKept() throws {
        let text = try PDFFixtures.text()
        #expect(throws: PDFError.tooLarge(bytes: text.count, limit: 500)) {
            try PDFReader.read(text, limits: PDFLimits(maxBytes: 500), imagesWhenNoText: false)
        }
        #expect(throws: PDFError.tooManyPages(pages: 2, limit: 1)) {
            try PDFReader.read(text, limits: PDFLimits(maxPages: 1), imagesWhenNoText: false)
        }
        #expect(PDFError.tooManyPages(pages: 2, limit: 1).message.contains("2 pages"))
    }

    @Test func missingPopplerNamesTheDebianPackage() {
        let message = PDFError.popplerMissing(reason: "libpoppler-glib.so.8: cannot open shared object file").message
        #expect(message.contains("libpoppler-glib8"))
        #expect(message.contains("cannot open shared object file"))
    }
}
