import Testing
@testable import Terminal

@Suite struct SlashCommandTests {
    @Test func plainTextIsAPrompt() {
        #expect(SlashCommand.parse("hello there") == nil)
        #expect(SlashCommand.parse("//etc/hosts is a path") == nil)
        #expect(SlashCommand.parse("/ spaced") == nil)
    }

    @Test func everyCommand() {
        #expect(SlashCommand.parse("/help") == .help)
        #expect(SlashCommand.parse("  /exit") == .exit)
        #expect(SlashCommand.parse("/quit") == .exit)
        #expect(SlashCommand.parse("/clear") == .clear)
        #expect(SlashCommand.parse("/retry") == .retry)
        #expect(SlashCommand.parse("/undo") == .undo)
        #expect(SlashCommand.parse("/sessions") == .sessions)
        #expect(SlashCommand.parse("/usage") == .usage)
        #expect(SlashCommand.parse("/model") == .model(nil))
        #expect(SlashCommand.parse("/model zai-org/GLM-4.7-FP8") == .model("zai-org/GLM-4.7-FP8"))
        #expect(SlashCommand.parse("/save work") == .save("work"))
        #expect(SlashCommand.parse("/load work") == .load("work"))
        #expect(SlashCommand.parse("/think on") == .think(true))
        #expect(SlashCommand.parse("/think off") == .think(false))
        #expect(SlashCommand.parse("/think") == .think(nil))
    }

    @Test func systemShowSetClear() {
        #expect(SlashCommand.parse("/system") == .system(.show))
        #expect(SlashCommand.parse("/system -") == .system(.clear))
        #expect(SlashCommand.parse("/system Answer in French.  ") == .system(.set("Answer in French.")))
    }

    @Test func imagePathsWithEscapesAndQuotes() {
        #expect(SlashCommand.parse(#"/image a.png my\ shot.png "other one.jpg""#) == .image(["a.png", "my shot.png", "other one.jpg"]))
        guard case .invalid = SlashCommand.parse("/image") else {
            Issue.record("an /image without a path must be an invalid use")
            return
        }
    }

    @Test func malformedUsesSayHow() {
        #expect(SlashCommand.parse("/save") == .invalid("usage: /save NAME"))
        #expect(SlashCommand.parse("/save a b") == .invalid("usage: /save NAME"))
        #expect(SlashCommand.parse("/think maybe") == .invalid("usage: /think on|off"))
    }

    @Test func unknownCommandGetsAOneLineHint() {
        guard case .unknown(let name, let hint) = SlashCommand.parse("/modle x") else {
            Issue.record("expected an unknown command")
            return
        }
        #expect(name == "/modle")
        #expect(hint.contains("did you mean /model?"))
        #expect(!hint.contains("\n"))
        guard case .unknown(_, let other) = SlashCommand.parse("/frobnicate") else {
            Issue.record("expected an unknown command")
            return
        }
        #expect(other.contains("/help"))
        #expect(!other.contains("did you mean"))
    }

    @Test func catalogueListsEveryCommandOfTheIssue() {
        let required = ["/help", "/image", "/model", "/system", "/clear", "/retry", "/undo", "/save", "/load",
                        "/sessions", "/usage", "/think", "/exit"]
        // Later commands (/markdown, ...) come on top of these.
        #expect(required.allSatisfy(SlashCommand.names.contains))
        #expect(Set(SlashCommand.names).count == SlashCommand.names.count)
    }

    @Test func shellWords() {
        #expect(ShellWords.split(#"a "b c" d\ e 'f g'"#) == ["a", "b c", "d e", "f g"])
        #expect(ShellWords.split("   ") == [])
        #expect(ShellWords.split(#""""#) == [""])
        #expect(ShellWords.split(#"x\"#) == [#"x\"#])
    }
}
