import Foundation

/// File names for Tab after `/image`: directories end in `/` (so Tab can go on into them),
/// hidden files only when asked for with a leading dot, `~/` kept as typed.
///
/// Hand-written rather than libedit's own filename completion, whose readline emulation puts a
/// space after a directory name instead of a slash.
public enum FilenameCompletion {
    /// The completions of `prefix` (as typed, without shell escapes), sorted.
    public static func candidates(for prefix: String, homeDirectory: String = NSHomeDirectory(),
                                  currentDirectory: String = FileManager.default.currentDirectoryPath) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let typedDirectory = slash.map { String(prefix[...$0]) } ?? ""
        let namePrefix = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        var directory = typedDirectory.isEmpty ? currentDirectory : typedDirectory
        if directory == "~/" || directory.hasPrefix("~/") {
            directory = homeDirectory + directory.dropFirst(1)
        } else if !directory.hasPrefix("/") {
            directory = currentDirectory + "/" + directory
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names
            .filter { $0.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.hasPrefix(".")) }
            .sorted()
            .map { name in
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
                return typedDirectory + name + (isDirectory.boolValue ? "/" : "")
            }
    }

    /// `my shot.png` -> `my\ shot.png`: what is inserted, so that `/image` reads one path.
    /// (This libedit's readline emulation inserts matches as they are.)
    public static func escaped(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch == " " || ch == "\t" || ch == "\\" || ch == "'" || ch == "\"" { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    /// `my\ shot.png` -> `my shot.png`: the typed word as a path.
    public static func unescaped(_ word: String) -> String {
        var out = ""
        var escaped = false
        for ch in word {
            if escaped {
                out.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return out
    }
}
