import ClaudeAPI
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import Testing
@testable import ToolUse

/// A Streamable HTTP MCP server on a loopback port that answers as told, for the transport.
final class LoopbackMCPServer: Sendable {
    struct Seen: Sendable {
        var method: String
        var rpcMethod: String?
        var sessionID: String?
        var protocolVersion: String?
        var apiKey: String?
    }

    private let state = Mutex<(seen: [Seen], sessions: Int, expired: Set<String>)>(([], 0, []))
    private let task = Mutex<Task<Void, any Error>?>(nil)

    var seen: [Seen] { state.withLock { $0.seen } }

    /// Serves in the background; returns the URL of the endpoint.
    func start() async throws -> String {
        let router = Router()
        router.post("/mcp") { request, _ in try await self.post(request) }
        router.delete("/mcp") { request, _ in
            self.note(request, rpcMethod: nil)
            return Response(status: .ok)
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            // Stopping with an event stream open logs a cancellation at error level.
            logger: { var logger = Logger(label: "loopback-mcp"); logger.logLevel = .critical; return logger }())
        task.withLock { $0 = Task { try await app.run() } }
        for await port in ports { return "http://127.0.0.1:\(port)/mcp" }
        throw CancellationError()
    }

    func stop() async {
        let running = task.withLock { $0 }
        running?.cancel()
        _ = try? await running?.value
    }

    private func note(_ request: Request, rpcMethod: String?) {
        let seen = Seen(
            method: request.method.rawValue, rpcMethod: rpcMethod,
            sessionID: request.headers[HTTPField.Name("Mcp-Session-Id")!],
            protocolVersion: request.headers[HTTPField.Name("MCP-Protocol-Version")!],
            apiKey: request.headers[HTTPField.Name("X-Api-Key")!])
        state.withLock { $0.seen.append(seen) }
    }

    private func post(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        let method = object["method"] as? String
        note(request, rpcMethod: method)
        let id = object["id"].map(Self.json) ?? "null"
        let sessionID = request.headers[HTTPField.Name("Mcp-Session-Id")!]
        if let sessionID, state.withLock({ $0.expired.contains(sessionID) }) {
            return Response(status: .notFound)
        }
        switch method {
        case "initialize":
            let session = state.withLock { state -> String in
                state.sessions += 1
                return "session-\(state.sessions)"
            }
            let answer = #"{"jsonrpc":"2.0","id":\#(id),"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"loop","version":"1"}}}"#
            // The answer comes first, then the stream stays open: only a reader that reads
            // events as they come gets it.
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", HTTPField.Name("Mcp-Session-Id")!: session],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: ": priming\n\nid: 1\ndata:\n\nevent: message\ndata: \(answer)\n\n"))
                    try? await Task.sleep(for: .seconds(30))
                    try await writer.finish(nil)
                })
        case "tools/list":
            let answer = #"{"jsonrpc":"2.0","id":\#(id),"result":{"tools":[{"name":"echo","inputSchema":{"type":"object"}},{"name":"html","inputSchema":{"type":"object"}},{"name":"expire","inputSchema":{"type":"object"}}]}}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        case "tools/call":
            let params = object["params"] as? [String: Any]
            let arguments = params?["arguments"] as? [String: Any]
            switch params?["name"] as? String {
            case "html":
                return Response(status: .ok, headers: [.contentType: "text/html"], body: .init(byteBuffer: ByteBuffer(string: "<html>login</html>")))
            case "expire":
                if let sessionID { _ = state.withLock { $0.expired.insert(sessionID) } }
                return Response(status: .notFound)
            default:
                let text = arguments?["text"] as? String ?? ""
                let note = #"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"working"}}"#
                let answer = #"{"jsonrpc":"2.0","id":\#(id),"result":{"content":[{"type":"text","text":\#(Self.json(text))}]}}"#
                // Split across writes, one of them inside an event.
                let stream = "event: message\ndata: \(note)\n\nevent: message\ndata: \(answer)\n\n"
                let middle = stream.index(stream.startIndex, offsetBy: stream.count / 2)
                return Response(
                    status: .ok, headers: [.contentType: "text/event-stream"],
                    body: ResponseBody { writer in
                        try await writer.write(ByteBuffer(string: String(stream[..<middle])))
                        try await Task.sleep(for: .milliseconds(20))
                        try await writer.write(ByteBuffer(string: String(stream[middle...])))
                        try await writer.finish(nil)
                    })
            }
        default:
            return Response(status: .accepted)
        }
    }

    static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite struct HTTPServerTransportTests {
    func toolbox(url: String, headers: [String: String] = ["X-Api-Key": "loop-key-1"]) -> MCPToolbox {
        let options = MCPToolboxOptions(
            startupTimeout: 5, callTimeout: 5, environment: [:], workingDirectory: "/", logDirectory: nil)
        return MCPToolbox(servers: [MCPServerConfig(name: "loop", transport: .http(url: url, headers: headers), source: "test")], options: options)
    }

    @Test func aSessionStartsCallsToolsExpiresAndStartsAgain() async throws {
        let server = LoopbackMCPServer()
        let url = try await server.start()
        let toolbox = toolbox(url: url)

        #expect(await toolbox.start().isEmpty)
        #expect(await toolbox.status().first?.state == .ready)
        #expect(await toolbox.tools().map(\.name) == ["mcp__loop__echo", "mcp__loop__html", "mcp__loop__expire"])

        let echoed = await toolbox.call(name: "mcp__loop__echo", input: .object(["text": .string("hello over HTTP")]))
        #expect(echoed == MCPToolOutcome(content: [.text(TextBlock(text: "hello over HTTP"))], isError: false))

        // A body that is not MCP is an error result; the server stays ready.
        let html = await toolbox.call(name: "mcp__loop__html", input: .object([:]))
        #expect(html.isError)
        #expect(html.failure == .transport(server: "loop", message: "\(url) answered with text/html, not MCP (application/json or text/event-stream)"))
        #expect(await toolbox.status().first?.state == .ready)

        // Every request after initialize carried the session id and the negotiated version,
        // and every one the entry's header.
        let seen = server.seen
        #expect(seen.first?.rpcMethod == "initialize" && seen.first?.sessionID == nil && seen.first?.protocolVersion == nil)
        for request in seen.dropFirst() {
            #expect(request.sessionID == "session-1")
            #expect(request.protocolVersion == "2025-06-18")
        }
        #expect(seen.allSatisfy { $0.apiKey == "loop-key-1" })

        // The server forgets the session: the call says so and the server is marked.
        let expired = await toolbox.call(name: "mcp__loop__expire", input: .object([:]))
        #expect(expired.failure == .transport(server: "loop", message: "its session expired (\(url) answered 404 Not Found to the session id)"))
        guard case .exited(let reason)? = await toolbox.status().first?.state else {
            Issue.record("not marked as gone: \(String(describing: await toolbox.status().first?.state))")
            return
        }
        #expect(reason.hasPrefix("its session expired"))
        #expect(await toolbox.tools().isEmpty)

        // The next prompt starts a new session.
        #expect(await toolbox.start().isEmpty)
        let again = await toolbox.call(name: "mcp__loop__echo", input: .object(["text": .string("again")]))
        #expect(again.content == [.text(TextBlock(text: "again"))])
        #expect(server.seen.last?.sessionID == "session-2")

        // Shutting down ends the session with a DELETE.
        await toolbox.shutdown()
        let last = server.seen.last
        #expect(last?.method == "DELETE" && last?.sessionID == "session-2")
        await server.stop()
    }

    @Test func aServerThatGoesAwayIsMarkedAndTriedAgainWithTheNextPrompt() async throws {
        let server = LoopbackMCPServer()
        let url = try await server.start()
        let toolbox = toolbox(url: url)
        #expect(await toolbox.start().isEmpty)
        await server.stop()

        let outcome = await toolbox.call(name: "mcp__loop__echo", input: .object(["text": .string("x")]))
        guard case .transport("loop", let message)? = outcome.failure else {
            Issue.record("not a transport failure: \(String(describing: outcome.failure))")
            return
        }
        #expect(message.hasPrefix("cannot reach \(url): "))
        guard case .exited? = await toolbox.status().first?.state else {
            Issue.record("not marked: \(String(describing: await toolbox.status().first?.state))")
            return
        }
        // The next prompt tries again, and says why it failed.
        let lines = await toolbox.start()
        #expect(lines == ["MCP server loop: it did not start: cannot reach \(url): connection refused"])
        await toolbox.shutdown()
    }

    @Test func aHeaderWithALineBreakIsRefusedWithoutItsValue() async throws {
        let toolbox = toolbox(url: "http://127.0.0.1:9/mcp", headers: ["X-Api-Key": "secret-value\r\nX-Evil: 1"])
        let lines = await toolbox.start()
        #expect(lines == [#"MCP server loop: the header "X-Api-Key" of its entry cannot be sent (an invalid name, or a line break or control character in its value)"#])
        #expect(!lines.joined().contains("secret-value"))
        await toolbox.shutdown()
    }

    @Test func aTLSFailureIsOneLineWithTheURL() async throws {
        // https:// to a server that speaks plain HTTP: the handshake cannot succeed.
        let server = LoopbackMCPServer()
        let url = try await server.start().replacingOccurrences(of: "http://", with: "https://")
        let toolbox = toolbox(url: url)
        let lines = await toolbox.start()
        #expect(lines.count == 1)
        #expect(lines == ["MCP server loop: it did not start: TLS with \(url) failed: wrong version number"])
        #expect(lines.allSatisfy { !$0.contains("\n") && !$0.contains("loop-key-1") })
        await toolbox.shutdown()
        await server.stop()
    }

    @Test func aServerThatNeverAnswersTimesOutWithItsURL() async throws {
        // A listening socket that accepts and never answers.
        let silent = try await SilentListener.start()
        let options = MCPToolboxOptions(startupTimeout: 0.5, callTimeout: 1, environment: [:], workingDirectory: "/", logDirectory: nil)
        let url = "http://127.0.0.1:\(silent.port)/mcp?key=in-the-query"
        let toolbox = MCPToolbox(servers: [MCPServerConfig(name: "mute", transport: .http(url: url, headers: [:]), source: "test")], options: options)
        let lines = await toolbox.start()
        #expect(lines == ["MCP server mute: http://127.0.0.1:\(silent.port)/mcp did not answer within 0.5 s of starting (MCP_TIMEOUT)"])
        await toolbox.shutdown()
        silent.close()
    }
}

/// A TCP listener that accepts connections and never writes a byte.
final class SilentListener: Sendable {
    let port: Int
    private let fd: Int32

    private init(fd: Int32, port: Int) {
        self.fd = fd
        self.port = port
    }

    static func start() async throws -> SilentListener {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else { throw CancellationError() }
        // The kernel completes the handshake of a listening socket; nothing is ever read.
        return SilentListener(fd: fd, port: Int(UInt16(bigEndian: address.sin_port)))
    }

    func close() { _ = Glibc.close(fd) }
}
