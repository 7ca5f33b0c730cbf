/// Why a tool call gave no result. Each case has a one-line ``description`` for the terminal,
/// and the text the model receives in its error `tool_result`.
public enum MCPToolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name is not one of the tools offered.
    case unknownTool(String)
    /// The server is not running (it failed to start, or is not supported here).
    case unavailable(server: String, reason: String)
    /// The server process exited during the call.
    case crashed(server: String, status: String, log: String?)
    /// No answer within the per-call timeout.
    case timedOut(server: String, tool: String, seconds: Double)
    /// The user pressed Ctrl-C during the call.
    case cancelled
    /// The server answered the request with a JSON-RPC error.
    case server(server: String, message: String)
    /// The call could not be sent or the answer not read.
    case transport(server: String, message: String)

    public var description: String {
        switch self {
        case .unknownTool(let name):
            return "no tool named \(name) is offered"
        case .unavailable(let server, let reason):
            return "the MCP server \(server) is not running: \(reason)"
        case .crashed(let server, let status, let log):
            return "the MCP server \(server) exited during the call (\(status))" + (log.map { "; its log: \($0)" } ?? "")
        case .timedOut(let server, let tool, let seconds):
            return "\(server).\(tool) gave no answer within \(Self.format(seconds)) s (MCP_TOOL_TIMEOUT)"
        case .cancelled:
            return "cancelled by the user"
        case .server(let server, let message):
            return "the MCP server \(server) answered with an error: \(message)"
        case .transport(let server, let message):
            return "the MCP server \(server) could not be reached: \(message)"
        }
    }

    /// What the model is told, in an error `tool_result` (no file paths of this machine).
    public var modelText: String {
        switch self {
        case .crashed(let server, let status, _):
            return "The MCP server \(server) exited during the call (\(status))."
        case .cancelled:
            return "The user cancelled this tool call."
        case .timedOut(let server, let tool, let seconds):
            return "The tool \(server).\(tool) gave no answer within \(Self.format(seconds)) s; the call was abandoned."
        default:
            return "The call failed: " + description + "."
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
    }
}
