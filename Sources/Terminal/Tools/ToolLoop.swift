import ToolUse

/// What a turn needs to let the model call MCP tools: the servers, who approves each call,
/// and where the dimmed call and result lines go.
public struct ToolLoop: Sendable {
    public var toolbox: any TurnToolbox  // a protocol, so that tests can count calls
    public var approver: any ToolApproving
    public var notes: TextOutput
    public var style: TerminalStyle
    /// Model answers with tool calls in one turn before the turn is stopped.
    public var maxRounds: Int

    public init(toolbox: any TurnToolbox, approver: any ToolApproving, notes: TextOutput, style: TerminalStyle, maxRounds: Int = 25) {
        self.toolbox = toolbox
        self.approver = approver
        self.notes = notes
        self.style = style
        self.maxRounds = maxRounds
    }
}
