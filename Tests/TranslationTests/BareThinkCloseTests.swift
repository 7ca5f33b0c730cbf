import ClaudeAPI
import OpenAIAPI
import Testing
@testable import Translation

/// Reasoning that ends at a bare `</think>` with no opening tag (PROTOCOL 8.3).
@Suite("Bare </think> (PROTOCOL 8.3)")
struct BareThinkCloseTests {
    typealias Piece = ThinkTagSplitter.Piece

    /// Feeds `pieces` to a splitter that holds for a bare close, flushes, and merges adjacent
    /// pieces of the same kind.
    func split(_ pieces: [String], holdLimit: Int = ThinkTagSplitter.bareCloseHoldLimit) -> [Piece] {
        var s = ThinkTagSplitter(holdsForBareClose: true, holdLimit: holdLimit)
        var out: [Piece] = []
        for p in pieces { out += s.feed(p) }
        out += s.flush()
        return Self.merged(out)
    }

    static func merged(_ pieces: [Piece]) -> [Piece] {
        var merged: [Piece] = []
        for piece in pieces {
            switch (merged.last, piece) {
            case (.reasoning(let a)?, .reasoning(let b)): merged[merged.count - 1] = .reasoning(a + b)
            case (.text(let a)?, .text(let b)): merged[merged.count - 1] = .text(a + b)
            default: merged.append(piece)
            }
        }
        return merged
    }

    static let limit = 24
    /// `limit` bytes: a close right after them starts exactly at the limit.
    static let filler = "0123456789abcdefghijklmn"

    static let cases: [(String, [Piece])] = [
        ("The user greets me.</think>Hello!", [.reasoning("The user greets me."), .text("Hello!")]),
        ("  \nplan\n</think>\n\nAnswer", [.reasoning("plan\n"), .text("Answer")]),
        ("</think>Answer", [.text("Answer")]),
        ("r</think>", [.reasoning("r")]),
        ("é日本😀</think>ü", [.reasoning("é日本😀"), .text("ü")]),
        ("a</think>b</think>c", [.reasoning("a"), .text("b</think>c")]),
        // Within the limit: the close starts at byte 24 of a 24-byte limit.
        (filler + "</think>x", [.reasoning(filler), .text("x")]),
        // Past the limit: text, tag and all.
        (filler + "g</think>x", [.text(filler + "g</think>x")]),
        (filler + filler + "no tag at all", [.text(filler + filler + "no tag at all")]),
        // A `<think>` before the close: text that talks about the tags.
        ("use <think> and </think> tags", [.text("use <think> and </think> tags")]),
        ("<thin</think>k", [.reasoning("<thin"), .text("k")]),
        // An opening tag at the start is the ordinary shape, and still works.
        ("<think>r</think>t", [.reasoning("r"), .text("t")]),
        // No close at all: text, at the end of the stream.
        ("short answer", [.text("short answer")]),
        ("", []),
        ("  ", [.text("  ")]),
    ]

    @Test("8.3 bare close within the limit -> reasoning then text; past it or after <think> -> text; every split point agrees",
          arguments: 0..<15)
    func everySplit(index: Int) {
        let (content, expected) = Self.cases[index]
        let characters = Array(content)
        #expect(split([content], holdLimit: Self.limit) == expected)
        for i in 0...characters.count {
            for j in i...characters.count {
                let parts = [String(characters[..<i]), String(characters[i..<j]), String(characters[j...])]
                #expect(split(parts, holdLimit: Self.limit) == expected, "split at \(i), \(j) of \(content)")
            }
        }
        #expect(split(content.map(String.init), holdLimit: Self.limit) == expected)
    }

    @Test("8.3 the default limit: a bare close at byte 2,048 ends reasoning; one at 2,049 is text")
    func defaultLimit() {
        let reasoning = String(repeating: "r", count: ThinkTagSplitter.bareCloseHoldLimit)
        #expect(split([reasoning + "</think>answer"]) == [.reasoning(reasoning), .text("answer")])
        #expect(split([reasoning + "r</think>answer"]) == [.text(reasoning + "r</think>answer")])
    }

    @Test("8.3 content is held while a bare close may come, and released as soon as it cannot")
    func holdAndRelease() {
        var s = ThinkTagSplitter(holdsForBareClose: true, holdLimit: Self.limit)
        #expect(s.feed("thinking ") == [])
        #expect(s.feed("still going on") == [])
        // 24 + 8 bytes without a close starting within the limit: text, released at once.
        #expect(s.feed(" and on and on") == [.text("thinking still going on and on and on")])
        #expect(s.feed(" more") == [.text(" more")])
        #expect(s.flush() == [])
    }

    @Test("8.3 a <think> before any close releases the held content as text at once")
    func openTagReleases() {
        var s = ThinkTagSplitter(holdsForBareClose: true)
        #expect(s.feed("see ") == [])
        #expect(s.feed("<think> here") == [.text("see <think> here")])
        #expect(s.feed("</think>") == [.text("</think>")])
    }

    @Test("8.3 separate reasoning_content arriving: held content is text first, and content is never held again")
    func separateReasoning() {
        var s = ThinkTagSplitter(holdsForBareClose: true)
        #expect(s.feed("Held") == [])
        #expect(s.separateReasoningArrived() == [.text("Held")])
        #expect(s.feed(" then</think>more") == [.text(" then</think>more")])
        // Reasoning first, before any content: content is text from the start.
        var t = ThinkTagSplitter(holdsForBareClose: true)
        #expect(t.separateReasoningArrived() == [])
        #expect(t.feed("a</think>b") == [.text("a</think>b")])
    }

    @Test("8.3 a tool call arriving: held content is text, and goes first")
    func toolCallReleases() {
        var s = ThinkTagSplitter(holdsForBareClose: true)
        #expect(s.feed("Let me check") == [])
        #expect(s.endLeadingWhitespace() == [.text("Let me check")])
        #expect(s.feed("</think>x") == [.text("</think>x")])
        #expect(s.flush() == [])
    }

    @Test("8.3 end of stream: held content is text")
    func endOfStream() {
        var s = ThinkTagSplitter(holdsForBareClose: true)
        #expect(s.feed("A short answer.") == [])
        #expect(s.flush() == [.text("A short answer.")])
    }

    @Test("8.3 without the hold (other models) content is text at once, a bare close included")
    func noHold() {
        var s = ThinkTagSplitter(holdsForBareClose: false)
        #expect(s.feed("The user greets me.") == [.text("The user greets me.")])
        #expect(s.feed("</think>Hello") == [.text("</think>Hello")])
        #expect(s.flush() == [])
    }

    // MARK: Which models

    @Test("8.3 ReasoningLeak: GLM ids hold for a bare close, others do not", arguments: [
        ("zai-org/GLM-4.7-FP8", true), ("zai-org/GLM-5.2", true), ("zai-org/GLM-4.5-Air", true), ("THUDM/glm-4-9b-chat", true),
        ("deepseek-ai/DeepSeek-V4-Pro", false), ("moonshotai/Kimi-K3", false), ("Qwen/Qwen3.5-397B-A17B", false),
        ("openai/gpt-oss-120b", false), ("MiniMaxAI/MiniMax-M3", false), ("google/gemma-3-27b-it", false), ("", false),
    ] as [(String, Bool)])
    func reasoningLeak(model: String, expected: Bool) {
        #expect(ReasoningLeak.endsWithBareClose(upstreamModel: model) == expected)
    }

    // MARK: Through the translators

    func streamEvents(_ pieces: [String], bareThinkClose: Bool, extra: [ChatChunk] = []) -> [StreamEvent] {
        var translator = StreamTranslator(requestedModel: testModel, messageID: testMessageID, estimatedInputTokens: 100, bareThinkClose: bareThinkClose)
        var events = translator.start()
        for p in pieces { events += translator.receive(chunk(content: p)) }
        for c in extra { events += translator.receive(c) }
        events += translator.receive(chunk(finish: "stop"))
        events += translator.finish()
        return events
    }

    func wholeAnswer(_ content: String, bareThinkClose: Bool) throws -> MessagesResponse {
        let answer = ChatChunk(choices: [ChatChunk.Choice(index: 0, delta: ChatChunk.Delta(content: content), finishReason: "stop")])
        return try ResponseTranslator(requestedModel: testModel, messageID: testMessageID, estimatedInputTokens: 100, bareThinkClose: bareThinkClose)
            .translate(answer).get()
    }

    static let glmAnswer = "The user says hi. I should greet back.</think>\n\nHello! How can I help?"

    @Test("8.3 stream and non-stream agree: a thinking block, then a text block")
    func streamMatchesWhole() throws {
        let whole = try wholeAnswer(Self.glmAnswer, bareThinkClose: true)
        #expect(whole.content == [
            .thinking(ThinkingBlock(thinking: "The user says hi. I should greet back.", signature: StreamTranslator.thinkingSignature)),
            text("Hello! How can I help?"),
        ])
        let events = streamEvents(["The user says hi.", " I should greet back.</th", "ink>\n\nHello!", " How can I help?"], bareThinkClose: true)
        #expect(invariantViolations(events).isEmpty)
        #expect(fold(events).message == whole)
        #expect(Array(body(events).prefix(2)) == [E.thinkingStart(0), E.thinking(0, "The user says hi. I should greet back.")])
    }

    @Test("8.3 every two-chunk split of one answer gives the non-stream message")
    func everyChunkSplit() throws {
        let characters = Array(Self.glmAnswer)
        let whole = try wholeAnswer(Self.glmAnswer, bareThinkClose: true)
        for i in 0...characters.count {
            let events = streamEvents([String(characters[..<i]), String(characters[i...])], bareThinkClose: true)
            #expect(invariantViolations(events).isEmpty, "split at \(i)")
            #expect(fold(events).message == whole, "split at \(i)")
        }
    }

    @Test("8.3 bareThinkClose false: content streams at once, the tag stays text")
    func offStreamsAtOnce() throws {
        var translator = StreamTranslator(requestedModel: testModel, messageID: testMessageID, bareThinkClose: false)
        _ = translator.start()
        #expect(translator.receive(chunk(content: "The user says hi.")) == [E.textStart(0), E.text(0, "The user says hi.")])
        let whole = try wholeAnswer(Self.glmAnswer, bareThinkClose: false)
        #expect(whole.content == [text(Self.glmAnswer)])
        #expect(fold(streamEvents(["The user says hi.", " I should greet back.</think>\n\nHello! How can I help?"], bareThinkClose: false)).message == whole)
    }

    @Test("8.3 bareThinkClose true: the start of the content is held, nothing sent until the close")
    func onHolds() {
        var translator = StreamTranslator(requestedModel: testModel, messageID: testMessageID, bareThinkClose: true)
        _ = translator.start()
        #expect(translator.receive(chunk(content: "The user says hi.")) == [])
        #expect(translator.receive(chunk(content: "</think>Hi")) == [
            E.thinkingStart(0), E.thinking(0, "The user says hi."), E.signature(0), E.stop(0), E.textStart(1), E.text(1, "Hi"),
        ])
    }

    @Test("8.3 held content, then reasoning_content: the content is a text block before the thinking block")
    func heldThenSeparateReasoning() {
        let events = streamEvents(["Hi "], bareThinkClose: true, extra: [chunk(reasoningContent: "r"), chunk(content: "x</think>y")])
        #expect(invariantViolations(events).isEmpty)
        #expect(fold(events).message?.content == [
            text("Hi "), .thinking(ThinkingBlock(thinking: "r", signature: StreamTranslator.thinkingSignature)), text("x</think>y"),
        ])
    }

    @Test("8.3 held content, then a tool call: the text block comes first")
    func heldThenToolCall() {
        let events = streamEvents(["Let me check."], bareThinkClose: true, extra: [chunk(tools: [call(0, id: "call_1", name: "Read", args: "{}")])])
        #expect(invariantViolations(events).isEmpty)
        #expect(fold(events).message?.content == [text("Let me check."), toolUse("call_1", "Read")])
    }

    @Test("8.3 a short answer with no close is released whole at the end, in both paths")
    func shortAnswer() throws {
        let events = streamEvents(["Hello", " there."], bareThinkClose: true)
        #expect(body(events).prefix(2) == [E.textStart(0), E.text(0, "Hello there.")])
        #expect(fold(events).message == (try wholeAnswer("Hello there.", bareThinkClose: true)))
    }
}
