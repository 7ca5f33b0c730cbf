import Documents
import Testing

@Suite("PDFText")
struct PDFTextTests {
    @Test func marksEveryPageAndSaysWhenOneIsEmpty() {
        let text = PDFText(pages: ["Alpha", "", "Gamma"])
        #expect(text.marked == "--- page 1 of 3 ---\nAlpha\n\n--- page 2 of 3 ---\n(no text on this page)\n\n--- page 3 of 3 ---\nGamma")
    }

    @Test func tidiesTrailingSpaceFormFeedsAndCarriageReturns() {
        let text = PDFText(pages: ["\n  Title  \r\nbody\t \n\n\u{0C}", "x\u{01}y"])
        #expect(text.pages == ["  Title\nbody", "xy"])
    }

    @Test func textLayerNeedsFourVisibleCharactersAPageOnAverage() {
        #expect(PDFText(pages: ["Hello"]).hasTextLayer)
        #expect(!PDFText(pages: ["  \n "]).hasTextLayer)
        #expect(!PDFText(pages: ["12", "", "", ""]).hasTextLayer)  // a stray page number on a scan
        #expect(PDFText(pages: ["A long page of text", "", ""]).hasTextLayer)
        #expect(!PDFText(pages: []).hasTextLayer)
        #expect(PDFText(pages: ["日本語の文"]).visibleCharacters == 5)
    }

    @Test func imageScaleKeepsTheLongSideAndTheDPICap() throws {
        let limits = PDFLimits()
        #expect(try #require(limits.imageScale(width: 612, height: 792)) * 792 == 1568)
        // A small page is not blown up past 150 dpi.
        #expect(limits.imageScale(width: 100, height: 100) == 150.0 / 72)
        #expect(limits.imageScale(width: 0, height: 792) == nil)
        #expect(limits.imageScale(width: .nan, height: 792) == nil)
        #expect(limits.imageScale(width: .infinity, height: 792) == nil)
    }
}
