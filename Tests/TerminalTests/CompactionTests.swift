import ClaudeAPI
import Foundation
import Testing
import Translation
import Upstream
@testable import Terminal

@Suite struct CompactionTests {
    func user(_ text: String) -> Message { Message(role: .user, content: [.text(TextBlock(text: text))]) }
    func assistant(_ text: String) -> Message { Message(role: .assistant, content: [.text(TextBlock(text: text))]) }

    /// Three exchanges, the second with a tool call and its result in between.
    var history: [Message] {
        [
            user("one"), assistant("1"),
            user("two"),
            Message(role: .assistant, content: [.toolUse(ToolUseBlock(id: "t1", name: "Bash", input: ["command": "ls"]))]),
            Message(role: .user, content: [.toolResult(ToolResultBlock(toolUseID: "t1", content: [.text(TextBlock(text: "a.txt"))]))]),
            assistant("2"),
            user("three"), assistant("3"),
        ]
    }

    @Test func theSplitKeepsWholeExchangesAndNeverCutsAToolCall() {
        #expect(Compaction.split(history, keepExchanges: 1) == 6)
        // The tool result's user message does not start an exchange: the split is at "two".
        #expect(Compaction.split(history, keepExchanges: 2) == 2)
        #expect(Compaction.split(history, keepExchanges: 3) == nil)
        #expect(Compaction.split(history, keepExchanges: 0) == 8)
        #expect(Compaction.split([], keepExchanges: 0) == nil)
        #expect(Compaction.exchanges(in: history) == 3)
    }

    @Test func aSummaryAloneIsNotCompactedAgain() {
        let compacted = Compaction.compacted(summary: "we talked", kept: [user("three"), assistant("3")])
        #expect(Compaction.isSummary(compacted[0]))
        #expect(compacted.count == 4)
        #expect(Compaction.split(compacted, keepExchanges: 1) == nil)
        #expect(Compaction.exchanges(in: compacted) == 1)
        #expect(Compaction.split(compacted + [user("four"), assistant("4")], keepExchanges: 1) == 4)
    }

    @Test func theSummaryRequestCarriesATranscript() throws {
        let older = Array(history[..<6]) + [Message(role: .user, content: [
            .document(DocumentBlock(source: .text("file body"), title: "notes.md")),
            .document(DocumentBlock(source: .base64(mediaType: "application/pdf", data: "JVBERi0="), title: "paper.pdf")),
            .text(TextBlock(text: "read these")),
        ])]
        let request = Compaction.summaryRequest(older: older, model: "m", window: 131_072, instructions: "the file names")
        #expect(request.model == "m")
        #expect(request.maxTokens == 4096)
        #expect(request.messages.count == 1)
        guard case .text(let block)? = request.messages.first?.content.first else {
            Issue.record("no text")
            return
        }
        #expect(block.text.contains("User: one\n\nAssistant: 1\n\nUser: two"))
        #expect(block.text.contains("[called tool Bash with {\"command\":\"ls\"}]"))
        #expect(block.text.contains("[tool result]\na.txt"))
        #expect(block.text.contains("[file notes.md]\nfile body\n[end of notes.md]"))
        #expect(block.text.contains("[a PDF document: paper.pdf]"))
        #expect(!block.text.contains("JVBERi0="))
        #expect(block.text.hasSuffix("When summarising, focus on: the file names"))
    }

    @Test func aLongTranscriptIsCutToFitTheWindow() {
        let long = (0..<200).map { i in [user("question \(i) " + String(repeating: "x", count: 400)), assistant("answer \(i)")] }.flatMap { $0 }
        let request = Compaction.summaryRequest(older: long, model: "m", window: 8000)
        #expect(request.maxTokens == 1000)
        let tokens = TokenEstimator.estimate(request)
        #expect(tokens + 1000 <= 8000, "the summary request fits the window: \(tokens)")
        guard case .text(let block)? = request.messages.first?.content.first else { return }
        #expect(block.text.contains("question 0 "))
        #expect(block.text.contains("answer 199"), "the end is kept")
        #expect(block.text.contains("characters of the conversation left out here"))
    }

    @Test func keepCountKeepsFewerWhenTheRecentOnesAreLarge() {
        let big = String(repeating: "word ", count: 2000)  // ~2,500 tokens
        let messages = [user("a"), assistant("1"), user(big), assistant("2"), user("c"), assistant("3")]
        #expect(Compaction.keepCount(messages: messages, next: user("next"), system: nil, limit: 10_000, summaryTokens: 500) == 2)
        #expect(Compaction.keepCount(messages: messages, next: user("next"), system: nil, limit: 2000, summaryTokens: 500) == 1)
        #expect(Compaction.keepCount(messages: messages, next: user(big), system: nil, limit: 2000, summaryTokens: 500) == 0)
    }
}

@Suite struct ContextWindowTests {
    @Test func compactsPastTheThresholdOfPromptAndAnswerBudget() {
        let window = ContextWindow(window: 10_000, maxTokens: 2_500)
        #expect(window.promptLimit == 6_000)
        #expect(!window.shouldCompact(promptTokens: 6_000))
        #expect(window.shouldCompact(promptTokens: 6_001))
        #expect(window.percent(promptTokens: 2_500) == "50%")
        #expect(ContextWindow(window: 1_000_000, maxTokens: 0).percent(promptTokens: 10) == "1%")
    }

    @Test func usageLines() {
        let lines = ContextWindow(window: 131_072, maxTokens: 16_384).summary(promptTokens: 12_000, model: "openai/gpt-oss-20b")
        #expect(lines.first == "context: ~12,000 tokens of conversation + 16,384 reserved for the answer = 22% of openai/gpt-oss-20b's 131,072-token window")
        #expect(lines.last?.contains("past ~95,027 tokens") == true)
    }

    @Test func overflowErrorsAreRecognised() {
        let overflow = UpstreamFailureFixture.make("prompt is too long: 9000 tokens > 8192 maximum")
        #expect(Compactor.isContextOverflow(overflow))
        #expect(Compactor.overflowWindow(overflow) == 8192)
        #expect(!Compactor.isContextOverflow(UpstreamFailureFixture.make("max_tokens: must be at least 1")))
    }
}

enum UpstreamFailureFixture {
    static func make(_ message: String) -> UpstreamFailure {
        UpstreamFailure(APIError(.invalidRequest, message))
    }
}

@Suite struct CompactorTests {
    @Test func theSummaryIsTheAnswersText() async {
        let service = FakeMessagesService(.events(Events.answer("We planned the trip.", reasoning: "thinking")))
        let request = Compaction.summaryRequest(older: [], model: "m", window: nil)
        guard case .summary(let text, let usage, _) = await Compactor(service: service).summarise(request) else {
            Issue.record("no summary")
            return
        }
        #expect(text == "We planned the trip.")
        #expect(usage?.outputTokens == 3)
        #expect(service.requests.count == 1)
    }

    @Test func aFailureIsReported() async {
        let service = FakeMessagesService(.failure(UpstreamFailure(APIError(.overloaded, "busy"))))
        guard case .failed(let failure) = await Compactor(service: service).summarise(Compaction.summaryRequest(older: [], model: "m", window: nil)) else {
            Issue.record("no failure")
            return
        }
        #expect(failure.error.message == "busy")
    }
}

@Suite struct FileAttachmentRequestTests {
    @Test func filesComeFirstInTheNextPrompt() throws {
        let dir = try TemporaryDirectory()
        var conversation = Conversation(session: Session(id: "t", model: "m"))
        conversation.pendingFiles = [try FileAttachment.load(path: dir.write("a.txt", bytes: Array("alpha".utf8)))]
        let message = conversation.takeUserMessage(text: "what is in it?")
        #expect(message.content == [.document(DocumentBlock(source: .text("alpha"), title: "a.txt")), .text(TextBlock(text: "what is in it?"))])
        #expect(conversation.pendingFiles.isEmpty)
    }

    @Test func askSendsFilesAsDocumentsAndABadOneIsAUsageError() async throws {
        let dir = try TemporaryDirectory()
        let text = dir.write("a.txt", bytes: Array("alpha".utf8))
        var options = AskOptions(prompt: "compare", model: "m", translation: TranslationConfig(), homeDirectory: dir.path)
        options.filePaths = [text]
        let service = FakeMessagesService(.events(Events.answer("ok")))
        let runner = AskRunner(options: options, service: service, catalogue: nil, out: .capturing(), err: .capturing())
        let request = try runner.request()
        #expect(request.messages.first?.content == [.document(DocumentBlock(source: .text("alpha"), title: "a.txt")), .text(TextBlock(text: "compare"))])

        options.filePaths = [dir.path + "/missing.pdf"]
        let err = TextOutput.capturing()
        let code = await AskRunner(options: options, service: service, catalogue: nil, out: .capturing(), err: err).run()
        #expect(code == .usageError)
        #expect(err.text.contains("missing.pdf: no such file"))
    }
}
