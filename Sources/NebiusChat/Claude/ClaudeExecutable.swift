import Foundation

/// Finds the `claude` program: `--claude-path`, else the first `claude` on `PATH`.
enum ClaudeExecutable {
    static func find(explicit: String?, environment: [String: String]) -> String? {
        if let explicit, !explicit.isEmpty {
            return isExecutable(explicit) ? explicit : nil
        }
        let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/claude"
            if isExecutable(candidate) { return candidate }
        }
        return nil
    }

    static func isExecutable(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }

    /// What to say when there is no `claude`.
    static func missingMessage(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty {
            return "nebius-chat claude: --claude-path \(explicit) is not an executable file."
        }
        return """
            nebius-chat claude: Claude Code is not installed (no `claude` on PATH).
              Install it:  npm install -g @anthropic-ai/claude-code
                      or:  curl -fsSL https://claude.ai/install.sh | bash
              or point at it:  nebius-chat claude --claude-path /path/to/claude
            """
    }
}
