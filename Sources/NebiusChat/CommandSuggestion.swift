/// `nebius-chat modles`: the chat (the default subcommand) takes no words, so a bare word first
/// is a mistyped or unknown subcommand. Says so, and names the closest subcommand, instead of
/// printing the chat's usage.
enum CommandSuggestion {
    /// Suggestions go at most two edits from what was typed, one for a word of four letters or
    /// fewer (short words are a couple of edits from almost anything).
    static func maximumDistance(forLength length: Int) -> Int {
        length <= 4 ? 1 : 2
    }

    /// The message for `arguments` (without the program name) when they fail to parse because
    /// the first one is an unknown subcommand; nil when the first argument is anything else
    /// (an option, a known subcommand, a quoted prompt with spaces).
    static func message(arguments: [String], commands: [String]) -> String? {
        guard let word = arguments.first, isBareWord(word), !commands.contains(word) else { return nil }
        if let closest = closest(to: word, among: commands) {
            return "nebius-chat: unknown command '\(word)'. Did you mean '\(closest)'?"
        }
        let listed = commands.filter { $0 != "help" }.joined(separator: ", ")
        return """
            nebius-chat: unknown command '\(word)'. The commands are \(listed) (see nebius-chat --help); \
            to send a prompt: nebius-chat ask "..."
            """
    }

    /// The command nearest to `word`, if one is near enough (ignoring case); the first listed
    /// wins a tie. `help` is never offered: it is a near miss of too many ordinary words.
    static func closest(to word: String, among commands: [String]) -> String? {
        let typed = word.lowercased()
        let limit = maximumDistance(forLength: typed.count)
        var best: (command: String, distance: Int)?
        for command in commands where command != "help" {
            let distance = editDistance(typed, command.lowercased())
            guard distance <= limit, distance < typed.count else { continue }
            if best.map({ distance < $0.distance }) ?? true {
                best = (command, distance)
            }
        }
        return best?.command
    }

    /// Letters, digits, `-` and `_`, not starting with `-`: how a subcommand looks.
    static func isBareWord(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-" else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
        }
    }
}
