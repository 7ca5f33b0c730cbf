/// What Tab completes, decided from the line typed so far. Pure, so it is tested without a
/// terminal; ``LineEditor`` asks it from libedit's completion callback.
///
/// - a word starting with `/` at the start of the line: slash commands;
/// - the argument of `/model`: model ids from the catalogue;
/// - the arguments of `/image` and `/file`: file paths;
/// - a word starting with `@` in a prompt: file paths (libedit breaks words at `@`, so the word
///   it completes is the path after it);
/// - the argument of `/load`: saved session names;
/// - anything else: nothing (Tab in a prompt does not guess).
public struct LineCompleter: Sendable {
    public enum Completion: Sendable, Hashable {
        case candidates([String])
        case filenames
        case nothing
    }

    public var commands: [String]
    public var modelIDs: [String]
    public var sessionIDs: [String]

    public init(commands: [String] = SlashCommand.names, modelIDs: [String] = [], sessionIDs: [String] = []) {
        self.commands = commands
        self.modelIDs = modelIDs
        self.sessionIDs = sessionIDs
    }

    /// - Parameters:
    ///   - line: the text before the cursor.
    ///   - word: the word being completed (the end of `line`).
    public func complete(line: String, word: String) -> Completion {
        let before = String(line.dropLast(word.count))
        let leading = before.drop { $0 == " " }
        if before.hasSuffix("@"), before.dropLast().last.map({ $0 == " " || $0 == "\t" || $0 == "(" }) ?? true {
            return .filenames
        }
        if leading.isEmpty {
            guard word.hasPrefix("/") else { return .nothing }
            return .candidates(commands.filter { $0.hasPrefix(word.lowercased()) })
        }
        let command = leading.split(separator: " ", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        switch command {
        case "/image", "/img", "/file", "/attach":
            return .filenames
        case "/model":
            // Only the first argument.
            let args = leading.dropFirst(command.count).split(separator: " ")
            guard args.isEmpty else { return .nothing }
            let lower = word.lowercased()
            let exact = modelIDs.filter { $0.hasPrefix(word) }
            if !exact.isEmpty { return .candidates(exact) }
            // Case-insensitive, and the part after the organisation (`glm` finds `zai-org/GLM-4.7-FP8`).
            return .candidates(modelIDs.filter {
                $0.lowercased().hasPrefix(lower) || ($0.split(separator: "/").last?.lowercased().hasPrefix(lower) ?? false)
            })
        case "/load":
            return .candidates(sessionIDs.filter { $0.hasPrefix(word) })
        default:
            return .nothing
        }
    }
}
