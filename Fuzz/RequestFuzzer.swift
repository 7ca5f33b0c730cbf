// libFuzzer target: request bytes -> decode -> route -> translate -> ChatRequest JSON.
// Built by Fuzz/run.sh (swiftc -sanitize=fuzzer,address), not by SwiftPM.
import Foundation
import ClaudeAPI
import OpenAIAPI
import Translation

private let config = TranslationConfig()

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        FileHandle.standardError.write(Data("FUZZ INVARIANT VIOLATED: \(message())\n".utf8))
        fatalError(message())
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = UnsafeBufferPointer(start: data, count: size)

    // Differential: when the fast path accepts a body, JSONDecoder must accept it and agree.
    if let fast = MessagesRequest.fastDecode(buffer) {
        let slow = try? JSONDecoder().decode(MessagesRequest.self, from: Data(buffer))
        check(slow != nil, "fastDecode accepted a body JSONDecoder rejects")
        check(slow == fast, "fastDecode and JSONDecoder disagree")
    }

    guard let request = try? MessagesRequest.decode(json: buffer) else { return 0 }

    let estimate = TokenEstimator.estimate(request)
    check(estimate >= 0, "negative token estimate \(estimate)")

    let upstream = ModelRouter(config: config).route(request)
    check(!upstream.isEmpty, "router returned an empty model")

    guard let translated = try? RequestTranslator(config: config).translate(request, upstreamModel: upstream) else {
        return 0
    }
    let bytes = translated.chat.jsonBytes()
    let parsed = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    check(parsed is [String: Any], "ChatRequest.jsonBytes() is not a JSON object: \(String(decoding: bytes.prefix(300), as: UTF8.self))")
    return 0
}
