import ClaudeAPI
import Testing
@testable import Translation

@Suite("MessageAccumulator")
struct MessageAccumulatorTests {
    let start = StreamEvent.messageStart(MessagesResponse(id: "msg_1", model: "claude-x", content: [], usage: Usage(inputTokens: 9)))

    @Test("4.10 folds a full stream into the message")
    func fullFold() {
        let events: [StreamEvent] = [
            start, .ping,
            E.thinkingStart(0), E.thinking(0, "a"), E.thinking(0, "b"), E.signature(0), E.stop(0),
            E.textStart(1), E.text(1, "Hel"), E.text(1, "lo"), E.stop(1),
            E.toolStart(2, id: "t1", name: "Bash"), E.json(2, #"{"command""#), E.json(2, #":"ls"}"#), E.stop(2),
            .messageDelta(stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 0, outputTokens: 7, cacheReadInputTokens: 3)),
            .messageStop,
        ]
        let a = fold(events)
        #expect(a.isComplete)
        #expect(a.error == nil)
        #expect(a.message == MessagesResponse(
            id: "msg_1", model: "claude-x",
            content: [.thinking(ThinkingBlock(thinking: "ab", signature: StreamTranslator.thinkingSignature)), text("Hello"), toolUse("t1", "Bash", ["command": "ls"])],
            stopReason: .toolUse, usage: Usage(inputTokens: 9, outputTokens: 7, cacheReadInputTokens: 3)))
    }

    @Test("4.3 deltas for unknown blocks or of the wrong kind are ignored, not crashes")
    func strayDeltas() {
        let a = fold([start, E.text(0, "x"), E.textStart(0), E.thinking(0, "wrong"), E.text(0, "ok"), E.stop(0), E.textStart(5), E.text(5, "y")])
        #expect(a.message?.content == [text("ok")])
        #expect(!a.isComplete)
    }

    @Test("3 tool input that is not JSON becomes {} with a warning")
    func badInput() {
        let a = fold([start, E.toolStart(0, id: "t", name: "X"), E.json(0, "garbage"), E.stop(0)])
        #expect(a.message?.content == [toolUse("t", "X")])
        #expect(a.warnings.count == 1)
        #expect(a.warnings.first?.contains("garbage") == true)
    }

    @Test("4.9 an error event is recorded")
    func error() {
        let a = fold([start, E.textStart(0), E.text(0, "x"), .error(APIError(.overloaded, "busy"))])
        #expect(a.error == APIError(.overloaded, "busy"))
        #expect(a.message?.content == [text("x")])
    }

    @Test("the message is nil before message_start; partial tool input is parsed for a snapshot")
    func snapshots() {
        var a = MessageAccumulator()
        #expect(a.message == nil)
        a.apply(start)
        a.apply(E.toolStart(0, id: "t", name: "X"))
        a.apply(E.json(0, #"{"a": 1"#))
        #expect(a.message?.content == [toolUse("t", "X", ["a": 1])])
    }
}
