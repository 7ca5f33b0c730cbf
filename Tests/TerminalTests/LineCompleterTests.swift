import Foundation
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

@Suite struct FilenameCompletionTests {
    @Test func directoriesGetASlashAndHiddenFilesStayHidden() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path + "/shots", withIntermediateDirectories: true)
        dir.write("shots/my holiday.png", bytes: ImageBytes.png)
        dir.write("shots/menu.jpg", bytes: ImageBytes.jpeg)
        dir.write("shots/.secret.png", bytes: ImageBytes.png)
        #expect(FilenameCompletion.candidates(for: "sh", currentDirectory: dir.path) == ["shots/"])
        #expect(FilenameCompletion.candidates(for: "shots/m", currentDirectory: dir.path) == ["shots/menu.jpg", "shots/my holiday.png"])
        #expect(FilenameCompletion.candidates(for: "shots/", currentDirectory: dir.path) == ["shots/menu.jpg", "shots/my holiday.png"])
        #expect(FilenameCompletion.candidates(for: "shots/.s", currentDirectory: dir.path) == ["shots/.secret.png"])
        #expect(FilenameCompletion.candidates(for: dir.path + "/shots/my", currentDirectory: "/") == [dir.path + "/shots/my holiday.png"])
        #expect(FilenameCompletion.candidates(for: "~/shots/me", homeDirectory: dir.path, currentDirectory: "/") == ["~/shots/menu.jpg"])
        #expect(FilenameCompletion.candidates(for: "nothing/here", currentDirectory: dir.path) == [])
    }

    @Test func escapingRoundTrips() {
        #expect(FilenameCompletion.escaped("my holiday's \"best\".png") == #"my\ holiday\'s\ \"best\".png"#)
        #expect(FilenameCompletion.unescaped(#"my\ holiday.png"#) == "my holiday.png")
        #expect(ShellWords.split(FilenameCompletion.escaped("a b'c.png")) == ["a b'c.png"])
    }

    @Test func pasteRedrawFindsThePromptRow() {
        #expect(PasteLayout.visibleWidth(ofPrompt: "\u{1}\u{1B}[1m\u{2}>\u{1}\u{1B}[22m\u{2} ") == 2)
        #expect(PasteLayout.rowsAbove(cursorAfter: "", promptWidth: 2, columns: 80) == 0)
        #expect(PasteLayout.rowsAbove(cursorAfter: String(repeating: "x", count: 77), promptWidth: 2, columns: 80) == 0)
        #expect(PasteLayout.rowsAbove(cursorAfter: String(repeating: "x", count: 78), promptWidth: 2, columns: 80) == 1)
        #expect(PasteLayout.rowsAbove(cursorAfter: "a\nb\nc", promptWidth: 2, columns: 80) == 2)
        #expect(PasteLayout.rowsAbove(cursorAfter: "x", promptWidth: 2, columns: 0) == 0)
    }
}
