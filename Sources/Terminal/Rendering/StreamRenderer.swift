import ClaudeAPI

/// Writes a streamed answer as it arrives: text to the answer output (as markdown rendered for the
/// terminal when ``markdown`` is set, else byte for byte), reasoning dimmed (or hidden), remarks
/// such as `[interrupted]` to the notes output.
///
/// The REPL sends all three to stdout; `ask` sends reasoning and notes to stderr, so that stdout
/// holds the answer alone.
///
/// ```swift
/// var renderer = StreamRenderer(answer: .standardOutput, reasoning: .standardOutput, style: .ansi)
/// for await event in events { renderer.render(event) }
/// renderer.finish()
/// ```
public struct StreamRenderer: Sendable {
    public var answer: TextOutput
    /// Where reasoning goes; `nil` hides it.
    public var reasoning: TextOutput?
    /// Where remarks go (`[interrupted]`, tool calls).
    public var notes: TextOutput
    /// The decoration of reasoning and notes.
    public var style: TerminalStyle
    /// Renders the answer's markdown; `nil` prints the text exactly as it arrives.
    public var markdown: MarkdownRenderer?
    /// The terminal's columns, asked before each piece of the answer so a resize applies to what
    /// follows.
    public var columns: @Sendable () -> Int
    private var markdownTemplate: MarkdownRenderer?
    /// Whether reasoning shares the answer's output (the REPL) or has one of its own (`ask`'s stderr).
    private var reasoningIsInline: Bool { reasoning.map { $0 === answer } ?? false }

    private enum Open { case none, text, thinking, toolUse }
    private var open: Open = .none
    /// Whether anything was written to the answer output, and whether it ended with a newline.
    public private(set) var wroteAnswer = false
    private var answerEndsWithNewline = true
    private var reasoningEndsWithNewline = true
    private var wroteReasoning = false

    public init(answer: TextOutput, reasoning: TextOutput?, notes: TextOutput? = nil, style: TerminalStyle,
                markdown: MarkdownRenderer? = nil, columns: (@Sendable () -> Int)? = nil) {
        self.answer = answer
        self.reasoning = reasoning
        self.notes = notes ?? answer
        self.style = style
        self.markdown = markdown
        self.markdownTemplate = markdown
        let fixed = markdown?.width ?? 80
        self.columns = columns ?? { fixed }
    }

    public mutating func render(_ event: StreamEvent) {
        switch event {
        case .contentBlockStart(_, let block):
            closeBlock()
            switch block {
            case .text(let b):
                open = .text
                if !b.text.isEmpty { writeAnswer(b.text) }
            case .thinking(let b):
                open = .thinking
                startReasoning()
                if !b.thinking.isEmpty { writeReasoning(b.thinking) }
            case .redactedThinking:
                open = .none
            case .toolUse(let use):
                open = .toolUse
                separateFromAnswer()
                notes.write(style.dim("[the model asked to call the tool \(use.name), which this chat does not offer]") + "\n")
            default:
                open = .none
            }
        case .contentBlockDelta(_, let delta):
            switch (open, delta) {
            case (.text, .text(let text)): writeAnswer(text)
            case (.thinking, .thinking(let text)): writeReasoning(text)
            default: break
            }
        case .contentBlockStop:
            closeBlock()
        case .messageStart, .messageDelta, .messageStop, .ping, .error:
            break
        }
    }

    /// Ends the output: closes any dimmed span and ends the line.
    public mutating func finish() {
        closeBlock()
        if wroteAnswer && !answerEndsWithNewline {
            answer.write("\n")
            answerEndsWithNewline = true
        }
    }

    /// Ends the output of an interrupted answer with a visible mark.
    public mutating func finishInterrupted() {
        if open == .text, var renderer = markdown {
            // What was held back undecided is printed as it came, after an attribute reset.
            writeRendered(renderer.interrupt())
            markdown = markdownTemplate
            open = .none
        }
        closeBlock()
        separateFromAnswer()
        // A terminal has echoed `^C` after whatever was last written.
        if !wroteAnswer && !wroteReasoning && notes.isTerminal { notes.write("\n") }
        notes.write(style.yellow("[interrupted]") + "\n")
    }

    private mutating func writeAnswer(_ text: String) {
        guard var renderer = markdown else { return writeRaw(text) }
        renderer.width = max(10, columns())
        writeRendered(renderer.feed(Substring(text)))
        markdown = renderer
    }

    /// Rendered markdown: trailing escape codes do not count when telling whether the output is at
    /// the start of a line.
    private mutating func writeRendered(_ text: String) {
        guard !text.isEmpty else { return }
        let wasAtLineStart = answerEndsWithNewline
        writeRaw(text)
        if let newline = text.lastIndex(of: "\n") {
            answerEndsWithNewline = DisplayWidth.visible(String(text[text.index(after: newline)...])) == 0
        } else {
            answerEndsWithNewline = wasAtLineStart && DisplayWidth.visible(text) == 0
        }
    }

    private mutating func writeRaw(_ text: String) {
        guard !text.isEmpty else { return }
        if !wroteAnswer, reasoningIsInline, wroteReasoning {
            // A blank line between the reasoning and the answer.
            answer.write(answerEndsWithNewline ? "\n" : "\n\n")
        }
        answer.write(text)
        wroteAnswer = true
        answerEndsWithNewline = text.hasSuffix("\n")
    }

    private mutating func startReasoning() {
        guard let reasoning else { return }
        if reasoningIsInline { separateFromAnswer() }
        if !style.usesEscapes {
            reasoning.write("[thinking]\n")
        }
        reasoning.write(style.beginDim)
        if reasoningIsInline { answerEndsWithNewline = true }
        reasoningEndsWithNewline = true
    }

    private mutating func writeReasoning(_ text: String) {
        guard let reasoning, !text.isEmpty else { return }
        reasoning.write(text)
        wroteReasoning = true
        reasoningEndsWithNewline = text.hasSuffix("\n")
        if reasoningIsInline { answerEndsWithNewline = reasoningEndsWithNewline }
    }

    private mutating func closeBlock() {
        if open == .text, var renderer = markdown {
            renderer.width = max(10, columns())
            writeRendered(renderer.finish())
            markdown = markdownTemplate
        }
        if open == .thinking, let reasoning {
            reasoning.write(style.endDim)
            if !reasoningEndsWithNewline {
                reasoning.write("\n")
                reasoningEndsWithNewline = true
                if reasoningIsInline { answerEndsWithNewline = true }
            }
            if !style.usesEscapes {
                reasoning.write("[/thinking]\n")
            }
        }
        open = .none
    }

    private mutating func separateFromAnswer() {
        if wroteAnswer && !answerEndsWithNewline {
            answer.write("\n")
            answerEndsWithNewline = true
        }
    }
}
