import Testing

@testable import NebiusChat

@Suite("mistyped subcommands")
struct CommandSuggestionTests {
    let commands = ["chat", "ask", "serve", "models", "help"]

    @Test("edit distance counts insertions, deletions and substitutions")
    func distance() {
        #expect(editDistance("", "") == 0)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("models", "models") == 0)
        #expect(editDistance("modles", "models") == 1)
        #expect(editDistance("mdoels", "models") == 1)
        #expect(editDistance("ca", "abc") == 3)
        #expect(editDistance("serv", "serve") == 1)
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("ñandú", "nandu") == 2)
    }

    @Test("a near miss names the closest subcommand")
    func suggestion() {
        #expect(CommandSuggestion.message(arguments: ["modles"], commands: commands)
            == "nebius-chat: unknown command 'modles'. Did you mean 'models'?")
        #expect(CommandSuggestion.message(arguments: ["srve", "--port", "1"], commands: commands)
            == "nebius-chat: unknown command 'srve'. Did you mean 'serve'?")
        #expect(CommandSuggestion.closest(to: "Aks", among: commands) == "ask")
        #expect(CommandSuggestion.closest(to: "chta", among: commands) == "chat")
        #expect(CommandSuggestion.closest(to: "modls", among: commands) == "models")
        #expect(CommandSuggestion.closest(to: "servr", among: commands) == "serve")
    }

    @Test("a far word is unknown, with the list of commands")
    func unknown() throws {
        let message = try #require(CommandSuggestion.message(arguments: ["hello"], commands: commands))
        #expect(message.hasPrefix("nebius-chat: unknown command 'hello'. The commands are chat, ask, serve, models"))
        #expect(!message.contains("Did you mean"))
        // One or two letters are within two edits of everything: no guess.
        #expect(CommandSuggestion.closest(to: "x", among: commands) == nil)
        #expect(CommandSuggestion.closest(to: "zz", among: commands) == nil)
        #expect(CommandSuggestion.closest(to: "as", among: commands) == "ask")
        #expect(CommandSuggestion.closest(to: "cat", among: commands) == "chat")
        #expect(CommandSuggestion.closest(to: "bat", among: commands) == nil)
        // `help` parses, but is not a guess for `hello`.
        #expect(CommandSuggestion.closest(to: "hello", among: commands) == nil)
        #expect(CommandSuggestion.closest(to: "hlep", among: commands) == nil)
    }

    @Test("options, known commands and prompts with spaces are left to the parser")
    func leftAlone() {
        #expect(CommandSuggestion.message(arguments: [], commands: commands) == nil)
        #expect(CommandSuggestion.message(arguments: ["--modle", "x"], commands: commands) == nil)
        #expect(CommandSuggestion.message(arguments: ["-m", "x"], commands: commands) == nil)
        #expect(CommandSuggestion.message(arguments: ["models", "--bogus"], commands: commands) == nil)
        #expect(CommandSuggestion.message(arguments: ["what is this?"], commands: commands) == nil)
        #expect(CommandSuggestion.message(arguments: ["a/b.png"], commands: commands) == nil)
    }

    @Test("the root command knows its subcommands")
    func names() {
        let names = NebiusChatCommand.subcommandNames
        for name in ["chat", "ask", "serve", "models", "help"] { #expect(names.contains(name)) }
    }
}
