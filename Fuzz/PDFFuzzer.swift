// libFuzzer target: arbitrary bytes -> PDFReader (poppler-glib through CPoppler) as text and,
// without a text layer, as page images (small limits, so each input stays quick).
// Traps when a read "succeeds" with more pages than the limits allow, an empty image, a PNG
// without its signature, or text marked with the wrong page count. A poppler crash is a crash.
// Built by scripts/fuzz (swiftc -sanitize=fuzzer,address), not by SwiftPM.
import Documents

private let limits = PDFLimits(maxBytes: 1 << 20, maxPages: 20, maxImagePages: 2, imageLongSide: 64, maxImageBytes: 1 << 20)

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("FUZZ INVARIANT VIOLATED: \(message())") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    // Most mutations lose the header; put it back half the time so poppler parses deeper.
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if size > 0, data[0] & 1 == 1, !bytes.starts(with: Array("%PDF-".utf8)) { bytes = Array("%PDF-1.4\n".utf8) + bytes }
    do {
        switch try PDFReader.read(bytes, limits: limits, imagesWhenNoText: true) {
        case .text(let text):
            check(text.pages.count <= limits.maxPages, "\(text.pages.count) pages read")
            check(text.hasTextLayer, "text without a text layer")
            check(text.marked.contains("--- page \(text.pages.count) of \(text.pages.count) ---"), "last marker missing")
        case .pageImages(let pngs):
            check(!pngs.isEmpty && pngs.count <= limits.maxImagePages, "\(pngs.count) page images")
            for png in pngs { check(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG") }
        }
    } catch {
        check(!error.message.isEmpty, "empty error message")
    }
    return 0
}
