import Foundation

/// Files for the next prompt: `/file PATH...` and `@path` words in a prompt.
extension ChatREPL {
    /// `/file PATH...`: each file that loads waits for the next prompt; each that does not says why.
    func attachFiles(_ paths: [String]) {
        for path in paths {
            do {
                let file = try FileAttachment.load(path: path, homeDirectory: options.homeDirectory)
                conversation.pendingFiles.append(file)
                note("Attached \(file.summary); it goes with your next prompt.")
            } catch {
                warn(error.description)
            }
        }
    }

    /// Attaches the files that `@path` words of `prompt` name. A word that names no file stays
    /// plain text (`@alice`), unless it looks like a path (`@notes.md`, `@src/x`): then, as for a
    /// file that cannot be attached, the prompt is not sent (the history keeps it; Up brings it
    /// back). Returns whether to send.
    func attachReferences(in prompt: String) -> Bool {
        var files: [FileAttachment] = []
        var problems: [String] = []
        for reference in FileReferences.find(in: prompt) {
            var loaded: FileAttachment?
            var problem: FileAttachmentError?
            for candidate in reference.candidates {
                do {
                    loaded = try FileAttachment.load(path: candidate, homeDirectory: options.homeDirectory)
                    break
                } catch {
                    if case .missing = error { continue }
                    problem = error
                    break
                }
            }
            if let loaded {
                if !files.contains(where: { $0.path == loaded.path }) { files.append(loaded) }
            } else if let problem {
                problems.append(problem.description)
            } else if reference.looksLikePath {
                problems.append("\(reference.word): no such file")
            }
        }
        if !problems.isEmpty {
            for problem in problems { warn(problem) }
            warn("(the prompt was not sent; Up brings it back to edit)")
            return false
        }
        for file in files {
            conversation.pendingFiles.append(file)
            note("Attached \(file.summary).")
        }
        return true
    }
}
