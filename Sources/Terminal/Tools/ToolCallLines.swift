import ClaudeAPI
import ToolUse

/// The one-line forms of a tool call and its result, as the terminal shows them (dimmed).
public enum ToolCallLines {
    /// Lines are cut to this many characters.
    public static let width = 160

    /// `calc.add {"a":2,"b":40}`.
    public static func summary(_ tool: MCPToolName, input: JSONValue) -> String {
        shorten(tool.display + " " + input.compactText)
    }

    /// `-> calc.add {"a":2,"b":40}`: a call that ran without a question.
    public static func call(_ summary: String) -> String {
        "→ " + summary
    }

    /// `<- 42`, `<- [image image/png]`, `<- error: ...`: the first line of the answer.
    public static func result(_ outcome: MCPToolOutcome) -> String {
        if let failure = outcome.failure { return "  ← error: " + shorten(failure.description) }
        var parts: [String] = []
        for block in outcome.content {
            switch block {
            case .text(let b): parts.append(b.text)
            case .image(let b):
                if case .base64(let mediaType, _) = b.source { parts.append("[image \(mediaType)]") } else { parts.append("[image]") }
            default: break
            }
        }
        let text = parts.joined(separator: " ")
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        let more = text.contains("\n") && text.split(separator: "\n").count > 1 ? " …" : ""
        return "  ← " + (outcome.isError ? "error: " : "") + shorten(firstLine + more)
    }

    static func shorten(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count > width ? String(flat.prefix(width - 1)) + "…" : flat
    }
}
