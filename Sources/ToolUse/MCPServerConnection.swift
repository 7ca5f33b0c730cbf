import ClaudeAPI
import Foundation
import Logging
import MCP
import SystemPackage

/// What a server is doing, as `/tools` shows it.
public enum MCPServerState: Sendable, Hashable {
    /// Not needed yet: servers start with the first prompt.
    case idle
    case starting
    case ready
    /// It did not start; the reason says why (not tried again in this session).
    case failed(String)
    /// It exited after starting; it is started again for the next prompt.
    case exited(String)
    /// Its transport cannot be used here.
    case unsupported(String)
    case stopped
}

/// One MCP server: its process (or none, for HTTP), the SDK client, its tools.
actor MCPServerConnection {
    let config: MCPServerConfig
    let options: MCPToolboxOptions
    private(set) var state: MCPServerState = .idle
    private(set) var tools: [MCP.Tool] = []
    private var client: Client?
    private var process: StdioServerProcess?
    private var watcher: Task<Void, Never>?
    private var starting: Task<Void, Never>?

    init(config: MCPServerConfig, options: MCPToolboxOptions) {
        self.config = config
        self.options = options
        if case .http = config.transport {
            state = .unsupported(MCPToolbox.httpUnsupported)
        }
    }

    var logPath: String? { options.logDirectory.map { $0 + "/" + Self.logName(config.name) } }

    static func logName(_ server: String) -> String {
        MCPToolName.sanitize(server) + ".log"
    }

    /// Starts the server unless it is running or failed to start; returns once it is ready or
    /// has failed. Concurrent callers share one start.
    func start() async {
        switch state {
        case .idle, .exited: break
        case .starting:
            await starting?.value
            return
        default: return
        }
        state = .starting
        let task = Task { await self.launch() }
        starting = task
        // Ctrl-C during the start stops it (the server is started again with the next prompt).
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        starting = nil
    }

    private func launch() async {
        guard case .stdio(let command, let arguments, let env) = config.transport else { return }
        let log = openLog()
        let process: StdioServerProcess
        do {
            var environment = options.environment
            for (key, value) in env { environment[key] = value }
            process = try StdioServerProcess(
                command: command, arguments: arguments, environment: environment,
                directory: options.workingDirectory, log: log)
        } catch {
            state = .failed(error.description)
            return
        }
        try? log?.close()  // the child has its own copy
        let transport = StdioTransport(
            input: FileDescriptor(rawValue: process.fromServer), output: FileDescriptor(rawValue: process.toServer),
            logger: options.logger)
        let client = Client(name: options.clientName, version: options.clientVersion)
        self.process = process
        self.client = client

        enum Start: Sendable { case ready([MCP.Tool]), failed(String), exited(String), timedOut }
        let timeout = options.startupTimeout
        let raced: Start? = await firstOf([
            {
                do {
                    try await client.connect(transport: transport)
                    var tools: [MCP.Tool] = []
                    var cursor: String?
                    repeat {
                        let page = try await client.listTools(cursor: cursor)
                        tools += page.tools
                        cursor = page.nextCursor
                    } while cursor != nil && tools.count < 10_000
                    return .ready(tools)
                } catch {
                    return .failed(Self.describe(error))
                }
            },
            { await process.waitForExit().map { .exited($0) } },
            {
                try? await Task.sleep(for: .seconds(timeout))
                return Task.isCancelled ? nil : .timedOut
            },
        ])
        guard let result = raced else {
            // Cancelled: not a failure of the server's; it starts again when next needed.
            await client.disconnect()
            await process.stop()
            self.client = nil
            self.process = nil
            state = .idle
            return
        }
        if case .ready = result {} else {
            // Ends a handshake still waiting for an answer.
            await client.disconnect()
        }
        let logNote = logPath.map { "; its log: \($0)" } ?? ""
        switch result {
        case .ready(let tools):
            self.tools = tools
            state = .ready
            watcher = Task { [weak self] in
                guard let status = await process.waitForExit() else { return }
                await self?.exited(status)
            }
        case .failed(let reason):
            await process.stop()
            state = .failed("it did not start: \(reason)" + logNote)
        case .exited(let status):
            state = .failed("it exited while starting (\(status))" + logNote)
        case .timedOut:
            await process.stop()
            state = .failed("it did not answer within \(MCPToolError.format(timeout)) s of starting (MCP_TIMEOUT)" + logNote)
        }
        if case .failed = state {
            self.client = nil
            self.process = nil
        }
    }

    private func exited(_ status: String) async {
        guard case .ready = state else { return }
        state = .exited(status)
        await client?.disconnect()
        client = nil
        process = nil
        tools = []
    }

    /// Calls `tool`; the blocks of its answer, and whether the server marked it an error.
    func call(tool: String, input: JSONValue) async throws(MCPToolError) -> (content: [ContentBlock], isError: Bool) {
        guard case .ready = state, let client, let process else {
            throw .unavailable(server: config.name, reason: unavailableReason)
        }
        let context: RequestContext<CallTool.Result>
        do {
            context = try await client.callTool(name: tool, arguments: MCPValues.arguments(input))
        } catch {
            throw .transport(server: config.name, message: Self.describe(error))
        }
        let requestID = context.requestID
        enum Ending: Sendable { case result(CallTool.Result), error(String), exited(String), timedOut, cancelled }
        let timeout = options.callTimeout
        let ending: Ending = await firstOf([
            {
                do {
                    return .result(try await context.value)
                } catch is CancellationError {
                    return .cancelled
                } catch {
                    return .error(Self.describe(error))
                }
            },
            { await process.waitForExit().map { .exited($0) } },
            {
                try? await Task.sleep(for: .seconds(timeout))
                return Task.isCancelled ? nil : .timedOut
            },
        ]) ?? .cancelled
        if case .result = ending {} else {
            // Resumes the pending request and tells the server (if it still listens).
            try? await client.cancelRequest(requestID, reason: "cancelled by the client")
        }
        switch ending {
        case .result(let result):
            return (MCPValues.blocks(result.content), result.isError ?? false)
        case .error(let message):
            if let status = process.exitStatus {
                await exited(status)
                throw .crashed(server: config.name, status: status, log: logPath)
            }
            throw .server(server: config.name, message: message)
        case .exited(let status):
            await exited(status)
            throw .crashed(server: config.name, status: status, log: logPath)
        case .timedOut:
            throw .timedOut(server: config.name, tool: tool, seconds: timeout)
        case .cancelled:
            throw .cancelled
        }
    }

    var unavailableReason: String {
        switch state {
        case .failed(let reason), .unsupported(let reason): return reason
        case .exited(let status): return "it exited (\(status))"
        case .stopped: return "it was stopped"
        default: return "it has not started"
        }
    }

    /// Stops the process (stdin closed, then SIGTERM, then SIGKILL).
    func stop() async {
        watcher?.cancel()
        watcher = nil
        await client?.disconnect()
        client = nil
        if let process { await process.stop() }
        process = nil
        if case .unsupported = state { return }
        state = .stopped
    }

    private func openLog() -> FileHandle? {
        guard let directory = options.logDirectory, let path = logPath else { return nil }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        _ = try? handle.seekToEnd()
        let stamp = ISO8601DateFormatter().string(from: Date())
        try? handle.write(contentsOf: Data("--- \(config.name) started \(stamp) ---\n".utf8))
        return handle
    }

    /// An SDK error as one line (never the server's environment).
    static func describe(_ error: any Error) -> String {
        if let mcp = error as? MCPError {
            switch mcp {
            case .connectionClosed: return "the connection closed"
            case .transportError(let inner): return "transport error: \(inner)"
            default:
                let text = mcp.errorDescription ?? "\(mcp)"
                return text.split(separator: "\n").first.map(String.init) ?? text
            }
        }
        return "\(error)"
    }
}
