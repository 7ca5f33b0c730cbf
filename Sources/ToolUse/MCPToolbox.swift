import ClaudeAPI
import Foundation
import Logging
import MCP

/// How the toolbox runs servers, decided by the command layer.
public struct MCPToolboxOptions: Sendable {
    /// `MCP_TIMEOUT`: seconds a server has to start and list its tools.
    public var startupTimeout: Double
    /// `MCP_TOOL_TIMEOUT`: seconds one call may take.
    public var callTimeout: Double
    /// The environment servers inherit (their own `env` entries are added on top).
    public var environment: [String: String]
    /// Where servers start.
    public var workingDirectory: String
    /// Each server's stderr goes to `<logDirectory>/<server>.log`; `nil` discards it.
    public var logDirectory: String?
    public var clientName: String
    public var clientVersion: String
    /// The SDK's own log lines (never printed on the chat screen).
    public var logger: Logger?

    public static let defaultStartupTimeout = 30.0
    public static let defaultCallTimeout = 60.0

    public init(
        startupTimeout: Double = defaultStartupTimeout, callTimeout: Double = defaultCallTimeout,
        environment: [String: String], workingDirectory: String, logDirectory: String?,
        clientName: String = "nebius-chat", clientVersion: String = "1.0", logger: Logger? = nil
    ) {
        self.startupTimeout = startupTimeout
        self.callTimeout = callTimeout
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logDirectory = logDirectory
        self.clientName = clientName
        self.clientVersion = clientVersion
        self.logger = logger
    }
}

/// One server as `/tools` lists it.
public struct MCPServerStatus: Sendable, Hashable {
    public var name: String
    public var summary: String
    public var state: MCPServerState
    /// The tools' own names, as the server gives them.
    public var tools: [String]
    public var logPath: String?

    public init(name: String, summary: String, state: MCPServerState, tools: [String], logPath: String?) {
        self.name = name
        self.summary = summary
        self.state = state
        self.tools = tools
        self.logPath = logPath
    }
}

/// The answer of one call, ready to go back to the model as a `tool_result`.
public struct MCPToolOutcome: Sendable, Hashable {
    public var content: [ContentBlock]
    public var isError: Bool
    /// Set when the call gave no answer (the content then holds the error text for the model).
    public var failure: MCPToolError?

    public init(content: [ContentBlock], isError: Bool, failure: MCPToolError? = nil) {
        self.content = content
        self.isError = isError
        self.failure = failure
    }
}

/// Every configured MCP server, started when the first prompt needs them; their tools offered
/// to the model as `mcp__<server>__<tool>`.
///
/// ```swift
/// let toolbox = MCPToolbox(servers: configuration.servers, options: options)
/// let problems = await toolbox.start()          // lines to show, one per server that failed
/// request.tools = await toolbox.tools()
/// let outcome = await toolbox.call(name: "mcp__calc__add", input: ["a": 2, "b": 40])
/// await toolbox.shutdown()                       // every process stopped, every session ended
/// ```
public actor MCPToolbox {
    private let connections: [MCPServerConnection]
    /// Server names, in order (also known without awaiting).
    public nonisolated let serverNames: [String]
    private var reported: Set<String> = []
    /// The client of the HTTP servers, when there are any.
    private let http: SharedHTTPClient?

    public init(servers: [MCPServerConfig], options: MCPToolboxOptions) {
        let hasHTTP = servers.contains { if case .http = $0.transport { return true } else { return false } }
        let http = hasHTTP
            ? SharedHTTPClient(
                connectTimeout: min(10, options.startupTimeout),
                readTimeout: max(options.startupTimeout, options.callTimeout) + 5)
            : nil
        connections = servers.map { MCPServerConnection(config: $0, options: options, http: http) }
        serverNames = servers.map(\.name)
        self.http = http
    }

    public nonisolated var isEmpty: Bool { serverNames.isEmpty }

    /// Starts every server that is not running (at once, each within the start-up timeout).
    /// Returns one line for each server that failed or exited since the last report.
    @discardableResult
    public func start() async -> [String] {
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { await connection.start() }
            }
        }
        var lines: [String] = []
        for connection in connections {
            let state = await connection.state
            let name = connection.config.name
            switch state {
            case .failed(let reason):
                if reported.insert(name).inserted { lines.append("MCP server \(name): \(reason)") }
            case .ready:
                reported.remove(name)
            default:
                break
            }
        }
        return lines
    }

    /// The tools of the running servers, as Claude tool definitions.
    public func tools() async -> [ClaudeAPI.Tool] {
        var result: [ClaudeAPI.Tool] = []
        var seen: Set<String> = []
        for (connection, tool) in await serverTools() {
            let name = MCPToolName(server: connection.config.name, tool: tool.name)
            guard seen.insert(name.qualified).inserted else { continue }
            result.append(ClaudeAPI.Tool(
                name: name.qualified, description: tool.description ?? tool.title,
                inputSchema: MCPValues.inputSchema(tool.inputSchema)))
        }
        return result
    }

    /// The server and tool a model-facing name stands for, if a running server offers it.
    public func resolve(_ qualified: String) async -> MCPToolName? {
        for (connection, tool) in await serverTools() {
            let name = MCPToolName(server: connection.config.name, tool: tool.name)
            if name.qualified == qualified { return name }
        }
        return nil
    }

    /// Calls the tool the model asked for. Never throws: a failure is an error result whose
    /// text tells the model what happened, with ``MCPToolOutcome/failure`` set.
    public func call(name qualified: String, input: JSONValue) async -> MCPToolOutcome {
        guard let name = await resolve(qualified),
              let connection = connections.first(where: { $0.config.name == name.server }) else {
            // A tool of a server that is not running (any more) says so.
            if let connection = connections.first(where: {
                qualified.hasPrefix(MCPToolName.prefix + MCPToolName.sanitize($0.config.name) + "__")
            }), await connection.state != .ready {
                return Self.failed(.unavailable(server: connection.config.name, reason: await connection.unavailableReason))
            }
            return Self.failed(.unknownTool(qualified))
        }
        do {
            let (content, isError) = try await connection.call(tool: name.tool, input: input)
            return MCPToolOutcome(content: content.isEmpty ? [.text(TextBlock(text: "(no output)"))] : content, isError: isError)
        } catch {
            return Self.failed(error)
        }
    }

    static func failed(_ error: MCPToolError) -> MCPToolOutcome {
        MCPToolOutcome(content: [.text(TextBlock(text: error.modelText))], isError: true, failure: error)
    }

    /// Every server with its state and tools.
    public func status() async -> [MCPServerStatus] {
        var result: [MCPServerStatus] = []
        for connection in connections {
            let tools = await connection.tools.map(\.name)
            result.append(MCPServerStatus(
                name: connection.config.name, summary: connection.config.summary,
                state: await connection.state, tools: tools, logPath: await connection.logPath))
        }
        return result
    }

    /// Stops every server process and ends every HTTP session; then the HTTP client.
    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for connection in connections {
                group.addTask { await connection.stop() }
            }
        }
        await http?.shutdown()
    }

    private func serverTools() async -> [(MCPServerConnection, MCP.Tool)] {
        var pairs: [(MCPServerConnection, MCP.Tool)] = []
        for connection in connections where await connection.state == .ready {
            for tool in await connection.tools { pairs.append((connection, tool)) }
        }
        return pairs
    }
}

extension MCPToolbox {
    /// The result of a call the user cancelled (or never let start) with Ctrl-C.
    public static var cancelledOutcome: MCPToolOutcome { failed(.cancelled) }
}
