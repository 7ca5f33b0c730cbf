import ClaudeAPI
import Foundation
import Testing
@testable import Terminal

@Suite struct ConversationTests {
    func fresh() -> Conversation {
        Conversation(session: Session(id: "t", model: "zai-org/GLM-4.7-FP8", system: "Be brief."))
    }

    func answer(_ text: String) -> MessagesResponse {
        MessagesResponse(id: "m", model: "zai-org/GLM-4.7-FP8", content: [.text(TextBlock(text: text))], stopReason: .endTurn)
    }

    @Test func requestCarriesHistorySystemAndModel() {
        var c = fresh()
        let first = c.takeUserMessage(text: "one")
        c.commit(user: first, answer: answer("1"), interrupted: false)
        let second = c.takeUserMessage(text: "two")
        let request = c.request(for: second)
        #expect(request.model == "zai-org/GLM-4.7-FP8")
        #expect(request.system == .text("Be brief."))
        #expect(request.stream == true)
        #expect(request.messages.map(\.role) == [.user, .assistant, .user])
        #expect(request.messages.last == Message(role: .user, text: "two"))
    }

    @Test func pendingImagesGoFirstAndAreUsedUp() {
        var c = fresh()
        c.pendingImages = [ImageAttachment(path: "a.png", mediaType: "image/png", data: Data([1, 2]))]
        let user = c.takeUserMessage(text: "what is this?")
        #expect(user.content.count == 2)
        #expect(user.content.first?.type == "image")
        #expect(c.pendingImages.isEmpty)
        #expect(c.takeUserMessage(text: "again").content.count == 1)
    }

    @Test func interruptedAnswerKeepsThePartialTextMarked() {
        var c = fresh()
        let user = c.takeUserMessage(text: "tell me a story")
        c.commit(user: user, answer: answer("Once upon a"), interrupted: true)
        #expect(c.session.messages.count == 2)
        #expect(c.session.messages[1] == Message(role: .assistant, text: "Once upon a\n\n" + Conversation.interruptedMark))
    }

    @Test func interruptedBeforeAnyTextStillAlternates() {
        var c = fresh()
        let user = c.takeUserMessage(text: "hi")
        c.commit(user: user, answer: nil, interrupted: true)
        #expect(c.session.messages.map(\.role) == [.user, .assistant])
        #expect(c.session.messages[1] == Message(role: .assistant, text: Conversation.interruptedMark))
    }

    @Test func interruptedDuringReasoningKeepsReasoningAndMarks() {
        var c = fresh()
        let user = c.takeUserMessage(text: "hi")
        let partial = MessagesResponse(id: "m", model: "x", content: [.thinking(ThinkingBlock(thinking: "hmm")), .text(TextBlock(text: ""))])
        c.commit(user: user, answer: partial, interrupted: true)
        #expect(c.session.messages[1].content == [.thinking(ThinkingBlock(thinking: "hmm")), .text(TextBlock(text: Conversation.interruptedMark))])
    }

    @Test func undoDropsTheLastExchange() {
        var c = fresh()
        for n in ["one", "two"] {
            let user = c.takeUserMessage(text: n)
            c.commit(user: user, answer: answer(n.uppercased()), interrupted: false)
        }
        #expect(c.undo() == Message(role: .user, text: "two"))
        #expect(c.session.messages.count == 2)
        #expect(c.undo() == Message(role: .user, text: "one"))
        #expect(c.undo() == nil)
    }

    @Test func retryResendsTheLastPromptWithoutItsAnswer() {
        var c = fresh()
        let user = c.takeUserMessage(text: "one")
        c.commit(user: user, answer: answer("1"), interrupted: false)
        #expect(c.takeRetry() == .prompt(Message(role: .user, text: "one")))
        #expect(c.session.messages.isEmpty)
    }

    @Test func retryAfterAFailureSendsTheFailedPrompt() {
        var c = fresh()
        let ok = c.takeUserMessage(text: "one")
        c.commit(user: ok, answer: answer("1"), interrupted: false)
        c.failedPrompt = Message(role: .user, text: "two")
        #expect(c.takeRetry() == .prompt(Message(role: .user, text: "two")))
        #expect(c.session.messages.count == 2, "the earlier exchange stays")
    }

    @Test func clearKeepsModelAndSystem() {
        var c = fresh()
        let user = c.takeUserMessage(text: "one")
        c.commit(user: user, answer: answer("1"), interrupted: false)
        c.clear(newID: "t2")
        #expect(c.session.id == "t2")
        #expect(c.session.messages.isEmpty)
        #expect(c.session.model == "zai-org/GLM-4.7-FP8")
        #expect(c.session.system == "Be brief.")
    }
}
