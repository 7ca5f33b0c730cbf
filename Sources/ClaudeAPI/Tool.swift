/// A tool definition. Client tools have no `type` (or `custom`); server tools such as
/// `web_search_20250305` carry their own type and run on Anthropic's side only.
public struct Tool: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var inputSchema: JSONValue?
    public var type: String?

    public init(name: String, description: String? = nil, inputSchema: JSONValue? = nil, type: String? = nil) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.type = type
    }

    /// Whether this is a client tool that an upstream model can call.
    public var isClientTool: Bool { type == nil || type == "custom" }

    enum CodingKeys: String, CodingKey {
        case name, description, type
        case inputSchema = "input_schema"
    }
}

/// `tool_choice`: `auto`, `any`, `none`, or a named `tool`.
public struct ToolChoice: Sendable, Hashable, Codable {
    public var type: String
    public var name: String?
    public var disableParallelToolUse: Bool?

    public init(type: String, name: String? = nil, disableParallelToolUse: Bool? = nil) {
        self.type = type
        self.name = name
        self.disableParallelToolUse = disableParallelToolUse
    }

    enum CodingKeys: String, CodingKey {
        case type, name
        case disableParallelToolUse = "disable_parallel_tool_use"
    }
}
