/// `output_config`: the reasoning `effort` and the shape of the answer (`format`).
public struct OutputConfig: Sendable, Hashable, Codable {
    /// `low`, `medium`, `high`, `xhigh` or `max`.
    public var effort: String?
    public var format: OutputFormat?

    public init(effort: String? = nil, format: OutputFormat? = nil) {
        self.effort = effort
        self.format = format
    }
}

/// `output_config.format` (or the deprecated top-level `output_format`): structured output,
/// `{"type":"json_schema","schema":{...}}`. Claude Code asks for session titles this way.
public struct OutputFormat: Sendable, Hashable, Codable {
    /// `json_schema` is the one type Anthropic defines; others are kept to be reported.
    public var type: String
    /// The JSON schema the answer's text must match.
    public var schema: JSONValue?

    public init(type: String, schema: JSONValue? = nil) {
        self.type = type
        self.schema = schema
    }
}
