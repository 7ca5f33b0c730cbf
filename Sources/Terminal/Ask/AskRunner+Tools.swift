import Foundation
import ToolUse

extension AskRunner {
    /// `--tools`: calls and results go to stderr; with `--yes` every call runs, else each is
    /// asked for on the terminal (the command layer refuses `--tools` without `--yes` when
    /// stdin is not a terminal).
    func toolLoop(style: TerminalStyle) -> ToolLoop? {
        guard let setup = options.tools, !setup.toolbox.isEmpty else { return nil }
        let approver: any ToolApproving = setup.permissions.auto
            ? ApproveAll()
            : TerminalToolApprover(
                permissions: setup.permissions,
                question: isatty(0) == 1 ? TerminalToolApprover.standardStreams : nil,
                output: err, style: style)
        return ToolLoop(toolbox: setup.toolbox, approver: approver, notes: err, style: style)
    }
}
