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
    /// It went away after starting (a process that exited, an HTTP session that ended); it is
    /// started again for the next prompt.
    case exited(String)
    case stopped
}

/// How a running server ends: its process exits, or its HTTP session ends.
protocol ServerLifeline: Sendable {
    /// How it ended, once it has.
    var exitStatus: String? { get }
    /// Waits until it has ended; `nil` if the waiting task is cancelled first.
    func waitForExit() async -> String?
}

extension StdioServerProcess: ServerLifeline {}

extension ExitWatch: ServerLifeline {
    var exitStatus: String? { status }
    func waitForExit() async -> String? { await wait() }
}

/// One MCP server: its process (or its HTTP transport), the SDK client, its tools.
actor MCPServerConnection {
    let config: MCPServerConfig
    let options: MCPToolboxOptions
    private let http: SharedHTTPClient?
    private(set) var state: MCPServerState = .idle
    private(set) var tools: [MCP.Tool] = []
    private var client: Client?
    private var process: StdioServerProcess?
    private var lifeline: (any ServerLifeline)?
    private var watcher: Task<Void, Never>?
    private var starting: Task<Void, Never>?

    /// `http` is the toolbox's client for HTTP servers (`nil` when it has none).
    init(config: MCPServerConfig, options: MCPToolboxOptions, http: SharedHTTPClient? = nil) {
        self.config = config
        self.options = options
        self.http = http
    }

    private var isHTTP: Bool {
        if case .http = config.transport { return true }
        return false
    }

    /// The server's stderr log (stdio servers only).
    var logPath: String? {
        guard !isHTTP else { return nil }
        return options.logDirectory.map { $0 + "/" + Self.logName(config.name) }
    }

    /// The longest an HTTP request waits for its answer's head, and the longest silence on its
    /// connection: a backstop behind the start-up and per-call timeouts, which end waits first.
    var httpDeadline: Double { max(options.startupTimeout, options.callTimeout) + 5 }

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
        let transport: any Transport
        let lifeline: any ServerLifeline
        switch config.transport {
        case .stdio(let command, let arguments, let env):
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
            transport = StdioTransport(
                input: FileDescriptor(rawValue: process.fromServer), output: FileDescriptor(rawValue: process.toServer),
                logger: options.logger)
            lifeline = process
            self.process = process
        case .http(let url, let headers):
            guard let httpClient = http?.get() else {
                state = .failed("it was stopped")
                return
            }
            do {
                let http = try HTTPServerTransport(
                    url: url, shownURL: config.summary, headers: headers, http: httpClient, deadline: httpDeadline,
                    logger: options.logger)
                transport = http
                lifeline = http.ended
            } catch {
                state = .failed(error.description)
                return
            }
        }
        let client = Client(name: options.clientName, version: options.clientVersion)
        self.client = client
        self.lifeline = lifeline
        let isHTTP = self.isHTTP

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
            {
                // An HTTP session that ends while starting fails its request: that says why.
                if isHTTP { return nil }
                return await lifeline.waitForExit().map { .exited($0) }
            },
            {
                try? await Task.sleep(for: .seconds(timeout))
                return Task.isCancelled ? nil : .timedOut
            },
        ])
        guard let result = raced else {
            // Cancelled: not a failure of the server's; it starts again when next needed.
            await client.disconnect()
            await process?.stop()
            self.client = nil
            self.process = nil
            self.lifeline = nil
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
                guard let status = await lifeline.waitForExit() else { return }
                await self?.exited(status)
            }
        case .failed(let reason):
            await process?.stop()
            state = .failed("it did not start: \(reason)" + logNote)
        case .exited(let status):
            state = .failed("it exited while starting (\(status))" + logNote)
        case .timedOut:
            await process?.stop()
            let who = isHTTP ? HTTPTransportError.displayURL(config.summary) : "it"
            state = .failed("\(who) did not answer within \(MCPToolError.format(timeout)) s of starting (MCP_TIMEOUT)" + logNote)
        }
        if case .failed = state {
            self.client = nil
            self.process = nil
            self.lifeline = nil
        }
    }

    private func exited(_ status: String) async {
        guard case .ready = state else { return }
        state = .exited(status)
        // Cleared before the await: a new start may begin while the old client disconnects.
        let client = self.client
        self.client = nil
        process = nil
        lifeline = nil
        tools = []
        await client?.disconnect()
    }

    /// The error of a call during which the server went away.
    private func gone(_ status: String) -> MCPToolError {
        isHTTP ? .transport(server: config.name, message: status) : .crashed(server: config.name, status: status, log: logPath)
    }

    /// Calls `tool`; the blocks of its answer, and whether the server marked it an error.
    func call(tool: String, input: JSONValue) async throws(MCPToolError) -> (content: [ContentBlock], isError: Bool) {
        guard case .ready = state, let client, let lifeline else {
            throw .unavailable(server: config.name, reason: unavailableReason)
        }
        let context: RequestContext<CallTool.Result>
        do {
            context = try await client.callTool(name: tool, arguments: MCPValues.arguments(input))
        } catch {
            throw .transport(server: config.name, message: Self.describe(error))
        }
        let requestID = context.requestID
        enum Ending: Sendable { case result(CallTool.Result), error(String, transport: Bool), exited(String), timedOut, cancelled }
        let timeout = options.callTimeout
        let ending: Ending = await firstOf([
            {
                do {
                    return .result(try await context.value)
                } catch is CancellationError {
                    return .cancelled
                } catch {
                    return .error(Self.describe(error), transport: error is HTTPTransportError)
                }
            },
            { await lifeline.waitForExit().map { .exited($0) } },
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
        case .error(let message, let transport):
            if let status = lifeline.exitStatus {
                await exited(status)
                throw gone(status)
            }
            throw transport ? .transport(server: config.name, message: message) : .server(server: config.name, message: message)
        case .exited(let status):
            await exited(status)
            throw gone(status)
        case .timedOut:
            throw .timedOut(server: config.name, tool: tool, seconds: timeout)
        case .cancelled:
            throw .cancelled
        }
    }

    var unavailableReason: String {
        switch state {
        case .failed(let reason): return reason
        case .exited(let status): return "it went away (\(status))"
        case .stopped: return "it was stopped"
        default: return "it has not started"
        }
    }

    /// Stops the process (stdin closed, then SIGTERM, then SIGKILL), or ends the HTTP session.
    func stop() async {
        watcher?.cancel()
        watcher = nil
        await client?.disconnect()
        client = nil
        if let process { await process.stop() }
        process = nil
        lifeline = nil
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
