// libFuzzer target: arbitrary bytes -> SearchResponseParser.parse for each backend (Tavily,
// Brave, SearXNG). The first byte picks the backend. Throwing is fine; trapping is not.
// Built by scripts/fuzz (swiftc -sanitize=fuzzer,address), not by SwiftPM.
import WebTools

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let providers = SearchProvider.allCases
    let provider = providers[Int(data[0]) % providers.count]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    _ = try? SearchResponseParser.parse(body, provider: provider)
    return 0
}
