import ToolUse

/// The MCP servers of a chat or an `ask`, made by the command layer from the configuration
/// files: the toolbox (servers start with the first prompt) and what the user allowed.
public struct ToolSetup: Sendable {
    public var toolbox: MCPToolbox
    public var permissions: ToolPermissions

    public init(toolbox: MCPToolbox, permissions: ToolPermissions) {
        self.toolbox = toolbox
        self.permissions = permissions
    }
}
