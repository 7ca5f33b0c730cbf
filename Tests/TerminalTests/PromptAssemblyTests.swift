import Testing
@testable import Terminal

@Suite struct PromptAssemblyTests {
    @Test func argumentsOnly() {
        #expect(PromptAssembly.prompt(arguments: ["review", "this"], stdin: nil) == "review this")
        #expect(PromptAssembly.prompt(arguments: ["review this"], stdin: "") == "review this")
        #expect(PromptAssembly.prompt(arguments: ["x"], stdin: "  \n\n") == "x")
    }

    @Test func argumentsThenBlankLineThenStdin() {
        let diff = "diff --git a/x b/x\n+new line\n"
        #expect(PromptAssembly.prompt(arguments: ["review", "this"], stdin: diff) == "review this\n\ndiff --git a/x b/x\n+new line")
    }

    @Test func stdinOnlyKeepsItsText() {
        #expect(PromptAssembly.prompt(arguments: [], stdin: "  indented\nsecond\n") == "  indented\nsecond")
    }

    @Test func nothingAtAll() {
        #expect(PromptAssembly.prompt(arguments: [], stdin: nil) == nil)
        #expect(PromptAssembly.prompt(arguments: ["  "], stdin: "\n") == nil)
    }

    @Test func trailingBackslashContinues() {
        var input = ContinuedLine()
        #expect(input.add("first line \\") == false)
        #expect(input.add("second\\") == false)
        #expect(input.add("third") == true)
        #expect(input.text == "first line\nsecond\nthird")
    }

    @Test func escapedBackslashEndsTheLine() {
        var input = ContinuedLine()
        #expect(input.add(#"C:\\"#) == true)
        #expect(input.text == #"C:\\"#)
    }
}
