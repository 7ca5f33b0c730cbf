// libFuzzer target: arbitrary chunk bytes -> ChatChunk -> StreamTranslator -> SSE frames,
// folded by MessageAccumulator; traps when a block invariant breaks.
// Input: frames separated by "\n"; an optional "data: " prefix is stripped; "[DONE]" ends.
// Built by Fuzz/run.sh (swiftc -sanitize=fuzzer,address), not by SwiftPM.
import Foundation
import ClaudeAPI
import OpenAIAPI
import Translation

private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        FileHandle.standardError.write(Data("FUZZ INVARIANT VIOLATED: \(message())\n".utf8))
        fatalError(message())
    }
}

/// The block invariants of StreamTranslator's contract, checked event by event.
private struct InvariantChecker {
    enum Kind { case text, thinking, toolUse, other }
    var sawStart = false
    var nextIndex = 0
    var open: (index: Int, kind: Kind)?
    var sawMessageDelta = false
    var ended = false  // message_stop or error seen
    var count = 0

    mutating func see(_ event: StreamEvent) {
        defer { count += 1 }
        check(!ended, "event \(event.name) after message_stop/error")
        if count == 0 {
            check({ if case .messageStart = event { return true }; return false }(), "first event is \(event.name), not message_start")
        }
        switch event {
        case .messageStart:
            check(!sawStart, "second message_start")
            sawStart = true
        case .contentBlockStart(let index, let block):
            check(!sawMessageDelta, "content_block_start after message_delta")
            check(open == nil, "content_block_start \(index) while block \(open!.index) is open")
            check(index == nextIndex, "content_block_start index \(index), expected \(nextIndex)")
            let kind: Kind
            switch block {
            case .text: kind = .text
            case .thinking: kind = .thinking
            case .toolUse: kind = .toolUse
            default: kind = .other
            }
            open = (index, kind)
            nextIndex += 1
        case .contentBlockDelta(let index, let delta):
            check(open != nil, "content_block_delta \(index) with no open block")
            check(open!.index == index, "content_block_delta \(index) while block \(open!.index) is open")
            switch (delta, open!.kind) {
            case (.text, .text), (.thinking, .thinking), (.signature, .thinking), (.inputJSON, .toolUse): break
            default: check(false, "delta \(delta.type) in a block of kind \(open!.kind) at \(index)")
            }
        case .contentBlockStop(let index):
            check(open != nil, "content_block_stop \(index) with no open block")
            check(open!.index == index, "content_block_stop \(index) while block \(open!.index) is open")
            open = nil
        case .messageDelta:
            check(!sawMessageDelta, "second message_delta")
            check(open == nil, "message_delta while block \(open?.index ?? -1) is open")
            check(nextIndex > 0, "message_delta with no content block")
            sawMessageDelta = true
        case .messageStop:
            check(sawMessageDelta, "message_stop without message_delta")
            ended = true
        case .error:
            ended = true
        case .ping:
            break
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    var translator = StreamTranslator(requestedModel: "claude-sonnet-4-5", messageID: "msg_fuzz",
                                      estimatedInputTokens: 17)
    var checker = InvariantChecker()
    var accumulator = MessageAccumulator()
    let encoder = JSONEncoder()
    var sawError = false

    func emit(_ events: [StreamEvent]) {
        for event in events {
            checker.see(event)
            if case .error = event { sawError = true }
            let frame: Data
            do { frame = try event.sseFrame(encoder: encoder) } catch {
                check(false, "sseFrame threw for \(event.name): \(error)")
                return
            }
            // The frame is `event: <name>\ndata: <json>\n\n` with valid JSON.
            let text = String(decoding: frame, as: UTF8.self)
            let prefix = "event: \(event.name)\ndata: "
            check(text.hasPrefix(prefix) && text.hasSuffix("\n\n"), "malformed SSE frame: \(text.prefix(200))")
            let json = frame.dropFirst(prefix.utf8.count).dropLast(2)
            check(!json.contains(0x0A), "newline inside SSE data line")
            check((try? JSONSerialization.jsonObject(with: Data(json))) != nil, "SSE data is not JSON: \(text.prefix(300))")
            accumulator.apply(event)
        }
    }

    emit(translator.start())
    var start = 0
    var done = false
    while start <= input.count && !done {
        var end = start
        while end < input.count && input[end] != 0x0A { end += 1 }
        var frame = UnsafeBufferPointer(rebasing: input[start..<end])
        start = end + 1
        let dataPrefix: [UInt8] = Array("data: ".utf8)
        if frame.count >= dataPrefix.count && frame.prefix(dataPrefix.count).elementsEqual(dataPrefix) {
            frame = UnsafeBufferPointer(rebasing: frame[dataPrefix.count...])
        }
        if frame.isEmpty { continue }
        if frame.elementsEqual("[DONE]".utf8) { done = true; break }

        // Differential: a chunk the fast path accepts must decode the same with JSONDecoder.
        if let fast = ChatChunk.fastDecode(frame) {
            let slow = try? JSONDecoder().decode(ChatChunk.self, from: Data(frame))
            check(slow != nil, "ChatChunk.fastDecode accepted a chunk JSONDecoder rejects")
            check(slow == fast, "ChatChunk.fastDecode and JSONDecoder disagree")
        }
        guard let chunk = try? ChatChunk.decode(json: frame) else { continue }
        emit(translator.receive(chunk))
    }
    emit(translator.finish())
    check(checker.ended, "stream did not end with message_stop or error")
    check(translator.isFinished, "translator not finished after finish()")

    if !sawError {
        check(accumulator.isComplete, "accumulator not complete after message_stop")
        guard let message = accumulator.message else { check(false, "accumulator has no message"); return 0 }
        check(message.content.count == checker.nextIndex,
              "accumulated \(message.content.count) blocks, stream started \(checker.nextIndex)")
        check(message.stopReason != nil, "no stop_reason")
    }
    return 0
}
