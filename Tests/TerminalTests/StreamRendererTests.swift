import ClaudeAPI
import Testing
@testable import Terminal

@Suite struct StreamRendererTests {
    func render(_ events: [StreamEvent], reasoning: Bool = true, style: TerminalStyle = .plain, separate: Bool = false) -> (String, String) {
        let out = TextOutput.capturing()
        let err = TextOutput.capturing()
        var renderer = StreamRenderer(answer: out, reasoning: reasoning ? (separate ? err : out) : nil,
                                      notes: separate ? err : nil, style: style)
        for event in events { renderer.render(event) }
        renderer.finish()
        return (out.text, err.text)
    }

    @Test func plainTextAnswer() {
        let (out, _) = render(Events.answer("Hello there friend"))
        #expect(out == "Hello there friend\n")
    }

    @Test func plainModeMarksReasoningWithoutEscapes() {
        let (out, _) = render(Events.answer("The answer is 4.", reasoning: "2 plus 2"))
        #expect(out == "[thinking]\n2 plus 2\n[/thinking]\n\nThe answer is 4.\n")
        #expect(!out.contains("\u{1B}"))
    }

    @Test func ansiModeDimsReasoning() {
        let (out, _) = render(Events.answer("Four.", reasoning: "sum"), style: .ansi)
        #expect(out == "\u{1B}[2msum\u{1B}[22m\n\nFour.\n")
    }

    @Test func hiddenReasoning() {
        let (out, _) = render(Events.answer("Four.", reasoning: "sum"), reasoning: false)
        #expect(out == "Four.\n")
    }

    @Test func askSplitsReasoningToStderr() {
        let (out, err) = render(Events.answer("Four.", reasoning: "sum"), separate: true)
        #expect(out == "Four.\n")
        #expect(err == "[thinking]\nsum\n[/thinking]\n")
    }

    @Test func reasoningAfterTextStartsOnANewLine() {
        let events = [Events.start()] + Events.text(["first"], at: 0) + Events.thinking(["more thought"], at: 1)
            + Events.text(["second"], at: 2) + Events.end()
        let (out, _) = render(events)
        #expect(out == "first\n[thinking]\nmore thought\n[/thinking]\nsecond\n")
    }

    @Test func toolCallsGetANote() {
        let events = [Events.start(), StreamEvent.contentBlockStart(index: 0, block: .toolUse(ToolUseBlock(id: "t", name: "get_weather", input: [:]))),
                      .contentBlockDelta(index: 0, delta: .inputJSON("{}")), .contentBlockStop(index: 0)] + Events.end()
        let (out, _) = render(events)
        #expect(out.contains("get_weather"))
    }

    @Test func interruptedAnswerIsMarked() {
        let out = TextOutput.capturing()
        var renderer = StreamRenderer(answer: out, reasoning: out, style: .plain)
        for event in [Events.start()] + Events.text(["partial"]).dropLast() { renderer.render(event) }
        renderer.finishInterrupted()
        #expect(out.text == "partial\n[interrupted]\n")
    }

    @Test func promptEscapesAreHiddenFromLibedit() {
        #expect(TerminalStyle.ansi.promptSafe("\u{1B}[1m>\u{1B}[22m ") == "\u{1}\u{1B}[1m\u{2}>\u{1}\u{1B}[22m\u{2} ")
        #expect(TerminalStyle.plain.promptSafe("> ") == "> ")
        #expect(TerminalStyle.plain.dim("x") == "x")
    }

    @Test func styleFollowsNoColorAndTerminal() {
        #expect(TerminalStyle.detect(output: .capturing(isTerminal: true), noColor: false).usesEscapes)
        #expect(!TerminalStyle.detect(output: .capturing(isTerminal: true), noColor: true).usesEscapes)
        #expect(!TerminalStyle.detect(output: .capturing(isTerminal: false), noColor: false).usesEscapes)
    }
}
