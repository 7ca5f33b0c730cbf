import ToolUse

/// The lines `/tools` prints: each server with its state and tools, then how calls are
/// approved.
public enum ToolsListing {
    public static func lines(_ servers: [MCPServerStatus], permissions: ToolPermissions, style: TerminalStyle) -> [String] {
        guard !servers.isEmpty else {
            return [style.dim("No MCP servers are configured. Add them to $XDG_CONFIG_HOME/nebius-chat/mcp.json or ./.mcp.json (see the README).")]
        }
        var lines: [String] = []
        for server in servers {
            lines.append("  " + style.bold(server.name) + "  " + state(server.state, style: style) + style.dim("  " + server.summary))
            if !server.tools.isEmpty {
                let names = server.tools.map { MCPToolName(server: server.name, tool: $0).display }
                lines.append("    " + names.joined(separator: ", "))
            }
            if let log = server.logPath, isProblem(server.state) {
                lines.append(style.dim("    its log: \(log)"))
            }
        }
        let always = permissions.alwaysAllowed
        if permissions.auto {
            lines.append(style.dim("Every tool call runs without asking (/tools ask to be asked again)."))
        } else {
            lines.append(style.dim("Each tool call is asked for" + (always.isEmpty ? "" : ", except \(always.count) always allowed") + " (/tools auto runs them without asking)."))
        }
        return lines
    }

    static func state(_ state: MCPServerState, style: TerminalStyle) -> String {
        switch state {
        case .idle: return style.dim("not started (starts with the next prompt)")
        case .starting: return "starting"
        case .ready: return style.cyan("running")
        case .failed(let reason): return style.red("failed: ") + reason
        case .exited(let status): return style.yellow("gone: \(status); starts again with the next prompt")
        case .stopped: return style.dim("stopped")
        }
    }

    static func isProblem(_ state: MCPServerState) -> Bool {
        switch state {
        case .failed, .exited: return true
        default: return false
        }
    }
}
