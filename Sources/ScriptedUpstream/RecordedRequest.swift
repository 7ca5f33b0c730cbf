import OpenAIAPI

/// One request the scripted upstream received (admin requests excluded).
public struct RecordedRequest: Sendable, Hashable {
    /// 1, 2, 3, ... in arrival order (reset by ``ScriptedUpstream/reset()``).
    public var id: Int
    public var method: String
    /// The path with the query, e.g. `/v1/models?verbose=true`.
    public var path: String
    /// Header names lowercased; repeated headers joined with `, `.
    public var headers: [String: String]
    /// The body as JSON, when it was JSON.
    public var body: JSONValue?
    /// The body as a chat request, when it decoded as one.
    public var chat: ChatRequest?
    /// The `type` of the behaviour that answered (`text`, `error`, ...), and where it came from
    /// (`queue`, `directive`, `default`).
    public var behavior: String?
    public var behaviorSource: String?
    /// Whether the request asked for a stream.
    public var stream: Bool
    /// Whether the whole answer was written.
    public var completed: Bool = false
    /// Whether the client closed the connection before the answer was complete.
    public var clientClosed: Bool = false
    /// Whether the server reset the connection on purpose (a `reset` fault).
    public var serverReset: Bool = false

    /// The value of a header (case-insensitive name).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    public var isChatCompletion: Bool { path.hasPrefix("/v1/chat/completions") || path.hasPrefix("/chat/completions") }
}

extension RecordedRequest: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, method, path, headers, body, behavior, stream, completed
        case behaviorSource = "behavior_source"
        case clientClosed = "client_closed"
        case serverReset = "server_reset"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(method, forKey: .method)
        try c.encode(path, forKey: .path)
        try c.encode(headers, forKey: .headers)
        try c.encode(body, forKey: .body)
        try c.encode(behavior, forKey: .behavior)
        try c.encode(behaviorSource, forKey: .behaviorSource)
        try c.encode(stream, forKey: .stream)
        try c.encode(completed, forKey: .completed)
        try c.encode(clientClosed, forKey: .clientClosed)
        try c.encode(serverReset, forKey: .serverReset)
    }
}
