/// The name a server's tool is offered to the model under: `mcp__<server>__<tool>`, as Claude
/// Code names them. Characters that tool names may not hold (anything but letters, digits,
/// `_` and `-`) become `_`.
///
/// ```swift
/// MCPToolName(server: "calc", tool: "add").qualified   // "mcp__calc__add"
/// MCPToolName(server: "my docs", tool: "search.v2").qualified   // "mcp__my_docs__search_v2"
/// ```
public struct MCPToolName: Sendable, Hashable {
    public var server: String
    /// The tool's own name, as the server knows it.
    public var tool: String

    public init(server: String, tool: String) {
        self.server = server
        self.tool = tool
    }

    public static let prefix = "mcp__"

    /// The name the model sees.
    public var qualified: String {
        Self.prefix + Self.sanitize(server) + "__" + Self.sanitize(tool)
    }

    /// `calc.add`: how the terminal names the call.
    public var display: String { server + "." + tool }

    static func sanitize(_ part: String) -> String {
        String(part.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return Character(scalar)
            default: return "_"
            }
        })
    }
}
