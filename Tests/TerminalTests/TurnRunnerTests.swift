import ClaudeAPI
import Testing
import Upstream
@testable import Terminal

@Suite struct TurnRunnerTests {
    let request = MessagesRequest(model: "m", messages: [Message(role: .user, text: "hi")], stream: true)

    func renderer(_ out: TextOutput) -> StreamRenderer {
        StreamRenderer(answer: out, reasoning: out, style: .plain)
    }

    @Test func completedTurn() async {
        let service = FakeMessagesService(.events(Events.answer("Hello there")))
        let out = TextOutput.capturing()
        let outcome = await TurnRunner(service: service).run(request, renderer: renderer(out))
        guard case .completed = outcome.ending else {
            Issue.record("expected completed, got \(outcome.ending)")
            return
        }
        #expect(outcome.message?.content == [.text(TextBlock(text: "Hello there"))])
        #expect(outcome.message?.usage.outputTokens == 3)
        #expect(out.text == "Hello there\n")
        #expect(service.requests == [request])
    }

    @Test func failureBeforeTheFirstByte() async {
        let failure = UpstreamFailure(APIError(.authentication, "The Nebius key was refused"), upstreamStatus: 401)
        let outcome = await TurnRunner(service: FakeMessagesService(.failure(failure))).run(request, renderer: renderer(.capturing()))
        guard case .failed(let got) = outcome.ending else {
            Issue.record("expected failed")
            return
        }
        #expect(got == failure)
        #expect(outcome.message == nil)
    }

    @Test func failureMidStreamKeepsThePartialMessage() async {
        let events = [Events.start()] + Events.text(["half"]).dropLast() + [.error(APIError(.overloaded, "busy"))]
        let outcome = await TurnRunner(service: FakeMessagesService(.events(Array(events)))).run(request, renderer: renderer(.capturing()))
        guard case .failed(let failure) = outcome.ending else {
            Issue.record("expected failed")
            return
        }
        #expect(failure.error.type == .overloaded)
        #expect(outcome.message?.content == [.text(TextBlock(text: "half"))])
    }

    @Test func cancellingTheTaskInterruptsAndCancelsUpstream() async throws {
        let events = [Events.start()] + Events.text(["Once", " upon", " a"]).dropLast()
        let service = FakeMessagesService(.events(Array(events), delay: .milliseconds(5), holdOpen: true))
        let out = TextOutput.capturing()
        let runner = TurnRunner(service: service)
        let r = renderer(out)
        let request = self.request
        let task = Task { await runner.run(request, renderer: r) }
        // Wait until the partial text has arrived, then press "Ctrl-C".
        for _ in 0..<500 where !out.text.contains(" a") { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let outcome = await task.value
        guard case .interrupted = outcome.ending else {
            Issue.record("expected interrupted, got \(outcome.ending)")
            return
        }
        #expect(outcome.message?.content == [.text(TextBlock(text: "Once upon a"))])
        #expect(out.text == "Once upon a\n[interrupted]\n")
        for _ in 0..<200 where service.cancellations == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(service.cancellations == 1, "the upstream stream saw the cancellation")

        // And the conversation keeps the partial answer, marked.
        var conversation = Conversation(session: Session(id: "x", model: "m"))
        conversation.commit(user: request.messages[0], answer: outcome.message, interrupted: true)
        #expect(conversation.session.messages.last == Message(role: .assistant, text: "Once upon a\n\n[interrupted by the user]"))
    }
}
