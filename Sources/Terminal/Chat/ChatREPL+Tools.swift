import Foundation
import ToolUse

extension ChatREPL {
    /// The tool loop for the next turn, or `nil` when no MCP server is configured.
    func toolLoop() -> ToolLoop? {
        guard let setup = options.tools, !setup.toolbox.isEmpty else { return nil }
        let approver = TerminalToolApprover(
            permissions: setup.permissions, question: isatty(0) == 1 ? editor.map { TerminalToolApprover.lineEditor($0, style: style) } : nil,
            output: out, style: style)
        return ToolLoop(toolbox: setup.toolbox, approver: approver, notes: out, style: style)
    }

    /// `/tools` lists the servers; `/tools auto` runs calls without asking, `/tools ask` asks again.
    func toolsCommand(_ argument: String?) async {
        guard let setup = options.tools else {
            for line in ToolsListing.lines([], permissions: ToolPermissions(), style: style) { out.line(line) }
            return
        }
        switch argument?.lowercased() {
        case nil, "list":
            for line in ToolsListing.lines(await setup.toolbox.status(), permissions: setup.permissions, style: style) {
                out.line(line)
            }
        case "auto", "on", "yes":
            setup.permissions.auto = true
            note("Tool calls now run without asking (/tools ask to be asked again).")
        case "ask", "off", "no":
            setup.permissions.auto = false
            note("Each tool call is asked for again" + (setup.permissions.alwaysAllowed.isEmpty ? "." : " (tools you answered `a` for still run)."))
        case let other?:
            warn("usage: /tools [auto|ask] (not '\(other)')")
        }
    }
}
