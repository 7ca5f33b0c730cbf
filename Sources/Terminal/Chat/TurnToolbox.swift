import ClaudeAPI
import ToolUse

/// What ``TurnRunner`` needs from the tools it offers: the MCP servers' ``MCPToolbox`` in the
/// chat and in `ask`, a counting stand-in in the tests.
public protocol TurnToolbox: Sendable {
    /// Starts what is not running; one line for each server that failed since the last report.
    func start() async -> [String]
    /// The tools to offer, as Claude tool definitions.
    func tools() async -> [ClaudeAPI.Tool]
    /// The server and tool a model-facing name stands for, if it is offered.
    func resolve(_ qualified: String) async -> MCPToolName?
    /// Runs a call; never throws (a failure is an error result).
    func call(name qualified: String, input: JSONValue) async -> MCPToolOutcome
}

extension MCPToolbox: TurnToolbox {}
