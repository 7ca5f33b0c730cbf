import ClaudeAPI
import Foundation
import Testing
import Translation
import Upstream
@testable import Terminal

@Suite struct AskRunnerTests {
    func options(_ prompt: String = "hi", json: Bool = false, stream: Bool = true, think: Bool = false, images: [String] = []) -> AskOptions {
        AskOptions(prompt: prompt, model: "zai-org/GLM-5.2", system: "Be brief.", imagePaths: images, maxTokens: 100,
                   stream: stream, json: json, showReasoning: think, translation: TranslationConfig(), homeDirectory: "/tmp")
    }

    func run(_ options: AskOptions, _ service: FakeMessagesService, catalogue: ModelCatalogue? = nil) async -> (AskExitCode, String, String) {
        let out = TextOutput.capturing()
        let err = TextOutput.capturing()
        let code = await AskRunner(options: options, service: service, catalogue: catalogue, out: out, err: err).run()
        return (code, out.text, err.text)
    }

    @Test func answerOnStdoutUsageOnStderr() async {
        let service = FakeMessagesService(.events(Events.answer("Canberra.", reasoning: "capital")))
        let (code, out, err) = await run(options(), service)
        #expect(code == .success)
        #expect(out == "Canberra.\n")
        #expect(err.contains("zai-org/GLM-5.2 · 12 in · 3 out"))
        #expect(!err.contains("capital"), "reasoning only with --think")
        let request = service.requests[0]
        #expect(request.system == .text("Be brief."))
        #expect(request.maxTokens == 100)
        #expect(request.messages == [Message(role: .user, text: "hi")])
    }

    @Test func thinkShowsReasoningOnStderr() async {
        let (_, out, err) = await run(options(think: true), FakeMessagesService(.events(Events.answer("4", reasoning: "2+2"))))
        #expect(out == "4\n")
        #expect(err.contains("2+2"))
    }

    @Test func noStreamPrintsTheSameText() async {
        let (code, out, _) = await run(options(stream: false), FakeMessagesService(.events(Events.answer("one two three"))))
        #expect(code == .success)
        #expect(out == "one two three\n")
    }

    @Test func jsonIsTheFinalClaudeMessage() async throws {
        let (code, out, _) = await run(options(json: true), FakeMessagesService(.events(Events.answer("Hello there"))))
        #expect(code == .success)
        let message = try JSONDecoder().decode(MessagesResponse.self, from: Data(out.utf8))
        #expect(message.content == [.text(TextBlock(text: "Hello there"))])
        #expect(message.stopReason == .endTurn)
        #expect(message.usage.outputTokens == 3)
    }

    @Test func upstreamErrorExitsOne() async {
        let failure = UpstreamFailure(APIError(.authentication, "The Nebius API key was refused (401)."), upstreamStatus: 401)
        let (code, out, err) = await run(options(), FakeMessagesService(.failure(failure)))
        #expect(code == .upstreamError)
        #expect(out.isEmpty)
        #expect(err == "error: The Nebius API key was refused (401).\n")
    }

    @Test func unknownModelNamesAlternatives() async {
        let failure = UpstreamFailure(APIError(.notFound, "model not found"), upstreamStatus: 404)
        let catalogue = ModelCatalogue.fixed(CatalogueTests.models)
        let (code, _, err) = await run(options(), FakeMessagesService(.failure(failure)), catalogue: catalogue)
        #expect(code == .upstreamError)
        #expect(err.contains("model zai-org/GLM-5.2 was not found upstream although the catalogue lists it"))

        var gone = options()
        gone.model = "zai-org/GLM-4.5-Air"
        let (_, _, err2) = await run(gone, FakeMessagesService(.failure(failure)), catalogue: catalogue)
        #expect(err2.contains("model zai-org/GLM-4.5-Air is not in the Nebius catalogue (retired?); try one of: zai-org/GLM-5.2"))
    }

    @Test func badImageIsAUsageError() async {
        let service = FakeMessagesService(.events(Events.answer("x")))
        let (code, _, err) = await run(options(images: ["/nonexistent.png"]), service)
        #expect(code == .usageError)
        #expect(err.contains("/nonexistent.png: no such file"))
        #expect(service.requests.isEmpty)
    }

    @Test func imagesComeBeforeThePromptAndRouteToVision() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.write("a.png", bytes: ImageBytes.png)
        let service = FakeMessagesService(.events(Events.answer("a cat")))
        let (code, _, err) = await run(options(images: [path]), service)
        #expect(code == .success)
        #expect(service.requests[0].messages[0].content.map(\.type) == ["image", "text"])
        #expect(err.contains(TranslationConfig.defaultVisionModel), "the usage line names the model that answered")
    }

    @Test func jsonWithAnImageNamesTheVisionModelThatAnswered() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.write("a.png", bytes: ImageBytes.png)
        let router = ModelRouter(config: TranslationConfig())
        let service = FakeMessagesService(.events(Events.answer("a cat")), answeredBy: { router.route($0) })
        let (code, out, _) = await run(options(json: true, images: [path]), service)
        #expect(code == .success)
        let message = try JSONDecoder().decode(MessagesResponse.self, from: Data(out.utf8))
        #expect(message.model == TranslationConfig.defaultVisionModel)
    }

    @Test func aFallbackThatAnsweredIsTheModelReported() async throws {
        let service = FakeMessagesService(.events(Events.answer("hi")), answeredBy: { _ in "openai/gpt-oss-120b" })
        let (_, out, err) = await run(options(json: true), service)
        let message = try JSONDecoder().decode(MessagesResponse.self, from: Data(out.utf8))
        #expect(message.model == "openai/gpt-oss-120b")
        #expect(err.contains("openai/gpt-oss-120b ·"), "the usage line names it too")
    }

    @Test func replacementsAreSaidOnceOnStderr() async {
        var opts = options()
        opts.notices = ["BIG_MODEL zai-org/GLM-4.7-FP8 is not in the Nebius catalogue; using zai-org/GLM-5.2"]
        let (code, out, err) = await run(opts, FakeMessagesService(.events(Events.answer("x"))))
        #expect(code == .success)
        #expect(!out.contains("catalogue"))
        #expect(err.components(separatedBy: "GLM-4.7-FP8 is not in the Nebius catalogue; using zai-org/GLM-5.2").count == 2)
    }

    @Test func interruptedExitsWith130() async throws {
        let events = [Events.start()] + Events.text(["partial"]).dropLast()
        let service = FakeMessagesService(.events(Array(events), holdOpen: true))
        let out = TextOutput.capturing()
        let err = TextOutput.capturing()
        let runner = AskRunner(options: options(), service: service, catalogue: nil, out: out, err: err)
        let task = Task { await runner.run() }
        for _ in 0..<400 where !out.text.contains("partial") { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        #expect(await task.value == .interrupted)
        #expect(out.text == "partial\n")
        #expect(err.text.contains("[interrupted]"))
    }
}
