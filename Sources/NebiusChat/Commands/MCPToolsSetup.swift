import Foundation
import Terminal
import ToolUse

/// The MCP servers of `chat` and `ask --tools`, from `$XDG_CONFIG_HOME/nebius-chat/mcp.json`
/// and `./.mcp.json`, with `MCP_TIMEOUT` and `MCP_TOOL_TIMEOUT`.
enum MCPToolsSetup {
    /// The files read, weakest first (the project's entries replace the user's of the same name).
    static func configPaths(environment: [String: String], currentDirectory: String) -> [String] {
        [
            ConfigurationLayers.xdgDirectory("XDG_CONFIG_HOME", fallback: ".config", environment: environment) + "/nebius-chat/mcp.json",
            currentDirectory + "/.mcp.json",
        ]
    }

    /// The setup, or `nil` when no server is configured; the warnings (bad entries, bad
    /// timeouts) to show once. `auto`: `--yes`.
    static func make(auto: Bool) -> (setup: ToolSetup?, warnings: [String]) {
        let environment = ProcessInfo.processInfo.environment
        let directory = FileManager.default.currentDirectoryPath
        let configuration = MCPConfiguration.load(
            paths: configPaths(environment: environment, currentDirectory: directory), environment: environment)
        var warnings = configuration.warnings
        guard !configuration.servers.isEmpty else { return (nil, warnings) }
        let layers = ConfigurationLayers.standard(flags: [:])
        func seconds(_ key: String, _ fallback: Double) -> Double {
            guard let (raw, source) = layers.value(key) else { return fallback }
            guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value > 0, value <= 86_400 else {
                warnings.append("\(key) must be a number of seconds from 0.1 to 86400; got '\(raw)' (from \(source)); using \(Int(fallback))")
                return fallback
            }
            return value
        }
        let options = MCPToolboxOptions(
            startupTimeout: seconds("MCP_TIMEOUT", MCPToolboxOptions.defaultStartupTimeout),
            callTimeout: seconds("MCP_TOOL_TIMEOUT", MCPToolboxOptions.defaultCallTimeout),
            environment: environment, workingDirectory: directory,
            logDirectory: ConfigurationLayers.xdgDirectory("XDG_STATE_HOME", fallback: ".local/state", environment: environment)
                + "/nebius-chat/mcp")
        let toolbox = MCPToolbox(servers: configuration.servers, options: options)
        return (ToolSetup(toolbox: toolbox, permissions: ToolPermissions(auto: auto)), warnings)
    }
}
