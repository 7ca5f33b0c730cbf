import Testing
@testable import Terminal

@Suite struct LineCompleterTests {
    let completer = LineCompleter(
        modelIDs: ["zai-org/GLM-4.7-FP8", "Qwen/Qwen2.5-VL-72B-Instruct", "Qwen/Qwen3-Coder-480B-A35B-Instruct", "openai/gpt-oss-20b"],
        sessionIDs: ["work", "20250101-120000"])

    @Test func slashCommandsAtTheStart() {
        #expect(completer.complete(line: "/mo", word: "/mo") == .candidates(["/model"]))
        #expect(completer.complete(line: "/s", word: "/s") == .candidates(["/system", "/save", "/sessions"]))
        #expect(completer.complete(line: "  /he", word: "/he") == .candidates(["/help"]))
    }

    @Test func noGuessingInPrompts() {
        #expect(completer.complete(line: "tell me", word: "me") == .nothing)
        #expect(completer.complete(line: "", word: "") == .nothing)
    }

    @Test func modelIDsAfterModel() {
        #expect(completer.complete(line: "/model Qwen/Qwen3", word: "Qwen/Qwen3") == .candidates(["Qwen/Qwen3-Coder-480B-A35B-Instruct"]))
        #expect(completer.complete(line: "/model ", word: "") == .candidates(completer.modelIDs))
        #expect(completer.complete(line: "/model glm", word: "glm") == .candidates(["zai-org/GLM-4.7-FP8"]))
        #expect(completer.complete(line: "/model a b", word: "b") == .nothing)
    }

    @Test func pathsAfterImage() {
        #expect(completer.complete(line: "/image ./sh", word: "./sh") == .filenames)
        #expect(completer.complete(line: "/image a.png ", word: "") == .filenames)
    }

    @Test func sessionsAfterLoad() {
        #expect(completer.complete(line: "/load w", word: "w") == .candidates(["work"]))
    }
}
