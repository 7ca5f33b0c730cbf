/// A tool definition. Client tools have no `type` (or `custom`); server tools such as
/// `web_search_20250305` carry their own type and run on Anthropic's side only.
public struct Tool: Sendable, Hashable, Codable {
    public var name: String
    public var description: String?
    public var inputSchema: JSONValue?
    public var type: String?
    /// A server tool's other fields as sent (`max_uses`, `allowed_domains`, ...); `nil` for a
    /// client tool.
    public var serverOptions: [String: JSONValue]?

    public init(
        name: String, description: String? = nil, inputSchema: JSONValue? = nil, type: String? = nil,
        serverOptions: [String: JSONValue]? = nil
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.type = type
        self.serverOptions = serverOptions
    }

    /// Whether this is a client tool that an upstream model can call.
    public var isClientTool: Bool { type == nil || type == "custom" }

    enum CodingKeys: String, CodingKey {
        case name, description, type
        case inputSchema = "input_schema"
    }

    static let standardKeys: Set<String> = ["name", "description", "type", "input_schema"]

    /// The fields of a server tool other than the four every tool has.
    static func serverOptions(of object: [String: JSONValue], type: String?) -> [String: JSONValue]? {
        guard let type, type != "custom" else { return nil }
        return object.filter { !standardKeys.contains($0.key) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        inputSchema = try c.decodeIfPresent(JSONValue.self, forKey: .inputSchema)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        if type != nil, type != "custom", let object = try JSONValue(from: decoder).objectValue {
            serverOptions = Self.serverOptions(of: object, type: type)
        } else {
            serverOptions = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let serverOptions {
            var object = serverOptions
            object["name"] = .string(name)
            if let description { object["description"] = .string(description) }
            if let inputSchema { object["input_schema"] = inputSchema }
            if let type { object["type"] = .string(type) }
            try JSONValue.object(object).encode(to: encoder)
            return
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(description, forKey: .description)
        try c.encodeIfPresent(inputSchema, forKey: .inputSchema)
        try c.encodeIfPresent(type, forKey: .type)
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
