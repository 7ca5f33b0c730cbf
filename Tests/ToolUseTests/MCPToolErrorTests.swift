import ClaudeAPI
import MCP
import Testing
@testable import ToolUse

@Suite struct MCPToolErrorTests {
    @Test func eachFailureIsOneClearLine() {
        let cases: [(MCPToolError, String)] = [
            (.timedOut(server: "calc", tool: "hang", seconds: 2), "calc.hang gave no answer within 2 s (MCP_TOOL_TIMEOUT)"),
            (.timedOut(server: "calc", tool: "hang", seconds: 0.5), "calc.hang gave no answer within 0.5 s (MCP_TOOL_TIMEOUT)"),
            (.crashed(server: "calc", status: "exit status 7", log: "/l/calc.log"),
             "the MCP server calc exited during the call (exit status 7); its log: /l/calc.log"),
            (.unknownTool("mcp__x__y"), "no tool named mcp__x__y is offered"),
            (.cancelled, "cancelled by the user"),
            (.server(server: "calc", message: "Invalid params"), "the MCP server calc answered with an error: Invalid params"),
        ]
        for (error, text) in cases {
            #expect(error.description == text)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func theModelIsNotToldPathsOfThisMachine() {
        let error = MCPToolError.crashed(server: "calc", status: "exit status 7", log: "/home/me/.local/state/nebius-chat/mcp/calc.log")
        #expect(error.modelText == "The MCP server calc exited during the call (exit status 7).")
        #expect(MCPToolError.cancelled.modelText == "The user cancelled this tool call.")
    }

    @Test func failedOutcomesAreErrorResultsForTheModel() {
        let outcome = MCPToolbox.failed(.timedOut(server: "calc", tool: "hang", seconds: 1))
        #expect(outcome.isError)
        #expect(outcome.content == [.text(TextBlock(text: "The tool calc.hang gave no answer within 1 s; the call was abandoned."))])
    }

    @Test func sdkErrorsBecomeOneLine() {
        #expect(MCPServerConnection.describe(MCPError.connectionClosed) == "the connection closed")
        #expect(!MCPServerConnection.describe(MCPError.internalError("a\nb")).contains("\n"))
    }
}
