import ClaudeAPI
import Testing
@testable import Terminal

/// When markdown is rendered, and how the stream renderer uses it.
@Suite struct MarkdownModeTests {
    @Test func renderedOnlyOnAColourTerminal() {
        let tty = TextOutput.capturing(isTerminal: true)
        #expect(MarkdownStyle.shouldRender(output: tty, noColor: false, term: "xterm-256color"))
        #expect(!MarkdownStyle.shouldRender(output: tty, noColor: true, term: "xterm-256color"))
        #expect(!MarkdownStyle.shouldRender(output: tty, noColor: false, term: "dumb"))
        #expect(!MarkdownStyle.shouldRender(output: .capturing(), noColor: false, term: "xterm"))
    }

    @Test func hyperlinksWhereTheTerminalIsKnownToShowThem() {
        #expect(MarkdownStyle.supportsHyperlinks(environment: ["TERM_PROGRAM": "iTerm.app", "TERM": "xterm-256color"]))
        #expect(MarkdownStyle.supportsHyperlinks(environment: ["VTE_VERSION": "7600", "TERM": "xterm-256color"]))
        #expect(!MarkdownStyle.supportsHyperlinks(environment: ["TERM": "screen", "VTE_VERSION": "7600"]))
        #expect(!MarkdownStyle.supportsHyperlinks(environment: ["TERM": "xterm"]))
        #expect(MarkdownStyle.supportsHyperlinks(environment: ["TERM": "screen", "FORCE_HYPERLINK": "1"]))
        #expect(!MarkdownStyle.supportsHyperlinks(environment: ["TERM_PROGRAM": "WezTerm", "FORCE_HYPERLINK": "0"]))
    }

    @Test func slashMarkdownParses() {
        #expect(SlashCommand.parse("/markdown") == .markdown(nil))
        #expect(SlashCommand.parse("/markdown off") == .markdown(false))
        #expect(SlashCommand.parse("/md on") == .markdown(true))
        #expect(SlashCommand.parse("/markdown maybe") == .invalid("usage: /markdown on|off"))
        #expect(SlashCommand.catalogue.contains { $0.name == "/markdown" && $0.usage == "/markdown [on|off]" })
    }

    static func text(_ pieces: [String]) -> [StreamEvent] {
        var events: [StreamEvent] = [.contentBlockStart(index: 0, block: .text(TextBlock(text: "")))]
        for piece in pieces { events.append(.contentBlockDelta(index: 0, delta: .text(piece))) }
        events.append(.contentBlockStop(index: 0))
        return events
    }

    @Test func theStreamRendererRendersTheAnswer() {
        let out = TextOutput.capturing(isTerminal: true)
        var renderer = StreamRenderer(answer: out, reasoning: nil, style: .ansi,
                                      markdown: MarkdownRenderer(width: 40, hyperlinks: false))
        for event in Self.text(["# Ti", "tle\nSome **bo", "ld** te", "xt"]) { renderer.render(event) }
        renderer.finish()
        #expect(MarkdownRendererTests.visible(out.text) == "Title\nSome bold text\n")
        #expect(out.text.contains("\u{1B}[1mbold"))
    }

    @Test func withoutMarkdownTheTextIsByteForByte() {
        let out = TextOutput.capturing()
        var renderer = StreamRenderer(answer: out, reasoning: nil, style: .plain)
        for event in Self.text(["# Ti", "tle\nSome **bo", "ld** te", "xt"]) { renderer.render(event) }
        renderer.finish()
        #expect(out.text == "# Title\nSome **bold** text\n")
    }

    @Test func anInterruptedAnswerEndsCleanly() {
        let out = TextOutput.capturing(isTerminal: true)
        var renderer = StreamRenderer(answer: out, reasoning: nil, style: .ansi,
                                      markdown: MarkdownRenderer(width: 40, hyperlinks: false))
        for event in Self.text(["Some **bold", " words\n| a |"]).dropLast() { renderer.render(event) }
        renderer.finishInterrupted()
        // The styles are reset before the held-back row, printed raw, and the remark.
        #expect(out.text.hasSuffix("\u{1B}[0m| a |\n\u{1B}[33m[interrupted]\u{1B}[39m\n"))
        #expect(MarkdownRendererTests.visible(out.text) == "Some bold words\n| a |\n[interrupted]\n")
    }

    @Test func theWidthIsAskedForEachPiece() {
        let out = TextOutput.capturing(isTerminal: true)
        let width = WidthBox(40)
        var renderer = StreamRenderer(answer: out, reasoning: nil, style: .ansi,
                                      markdown: MarkdownRenderer(width: 40, hyperlinks: false), columns: { width.value })
        let events = Self.text(["aaa bbb ccc\n", "aaa bbb ccc\n"])
        renderer.render(events[0])
        renderer.render(events[1])
        width.value = 10
        renderer.render(events[2])
        renderer.render(events[3])
        renderer.finish()
        #expect(MarkdownRendererTests.visible(out.text) == "aaa bbb ccc\naaa bbb\nccc\n")
    }
}

final class WidthBox: @unchecked Sendable {
    var value: Int
    init(_ value: Int) { self.value = value }
}
