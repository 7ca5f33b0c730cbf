import AsyncHTTPClient
import ClaudeAPI
import Foundation
import Logging
import Synchronization
import OpenAIAPI
import ScriptedUpstream
import Translation
import Upstream

/// The key every test uses; no message may ever contain it.
let testAPIKey = "nb-secret-key-0123456789abcdef"

/// An in-process scripted upstream on 127.0.0.1 and a client and service pointed at it.
struct UpstreamHarness {
    let upstream: ScriptedUpstream
    let config: UpstreamConfig
    let http: HTTPClient
    let client: UpstreamClient
    let service: MessagesService

    /// Starts everything, runs `body`, and tears everything down (also when `body` throws).
    static func with<T>(
        requestTimeout: Double = 5, maxRetries: Int = 2, maxRetryDelay: Double = 0.1,
        extraHeaders: [(name: String, value: String)] = [],
        baseURL: String? = nil,
        chunkReadAhead: Int = 512,
        logs: LogCollector? = nil,
        upstreamConfiguration: ScriptedUpstream.Configuration = .init(),
        translation: TranslationConfig = TranslationConfig(),
        fallbacks: [String] = [],
        catalogue: (@Sendable (UpstreamClient, Logger) -> ModelCatalogue)? = nil,
        _ body: (UpstreamHarness) async throws -> T
    ) async throws -> T {
        let upstream = ScriptedUpstream(configuration: upstreamConfiguration)
        try await upstream.start()
        var config = UpstreamConfig(
            baseURL: baseURL ?? upstream.baseURL, apiKey: testAPIKey, requestTimeout: requestTimeout, connectTimeout: 2,
            maxRetries: maxRetries, maxRetryDelay: maxRetryDelay, extraHeaders: extraHeaders)
        config.chunkReadAhead = chunkReadAhead
        let http = UpstreamClient.makeHTTPClient(config: config)
        var logger = Logger(label: "upstream-tests") { label in
            logs.map { CollectingLogHandler(collector: $0) as any LogHandler } ?? SwiftLogNoOpLogHandler()
        }
        logger.logLevel = logs == nil ? .critical : .trace
        let client = UpstreamClient(config: config, httpClient: http, logger: logger)
        let harness = UpstreamHarness(
            upstream: upstream, config: config, http: http, client: client,
            service: MessagesService(
                upstream: config, translation: translation, httpClient: http, logger: logger,
                catalogue: catalogue?(client, logger), fallbacks: fallbacks))
        do {
            let result = try await body(harness)
            try? await http.shutdown()
            await upstream.stop()
            return result
        } catch {
            try? await http.shutdown()
            await upstream.stop()
            throw error
        }
    }

    /// Streams `chat` and collects the chunks; a mid-stream failure is returned, not thrown.
    func collect(_ chat: ChatRequest) async throws -> (chunks: [ChatChunk], failure: UpstreamStreamError?) {
        var chunks: [ChatChunk] = []
        do {
            for try await item in try await client.streamChat(chat) {
                if case .chunk(let chunk) = item { chunks.append(chunk) }
            }
            return (chunks, nil)
        } catch let failure as UpstreamStreamError {
            return (chunks, failure)
        }
    }

    /// Runs a Claude request through the service and collects every event.
    func events(_ request: MessagesRequest) async throws -> [StreamEvent] {
        var events: [StreamEvent] = []
        for await event in try await service.stream(request) { events.append(event) }
        return events
    }

    /// A loopback port nothing listens on: a socket bound there and never listening, kept for
    /// the life of the test process, so connections are refused and no other test's server can
    /// be given the same port (a socket bound then closed frees it for the next bind).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard fd >= 0, bound == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        heldSockets.withLock { $0.append(fd) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The sockets behind ``UpstreamHarness/closedPort()``.
private let heldSockets = Mutex<[Int32]>([])

/// Every log line of a test, message and metadata.
final class LogCollector: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}

struct CollectingLogHandler: LogHandler {
    let collector: LogCollector
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        collector.append("\(event.level) \(event.message) \(all)")
    }
}

/// A chat request with one user message.
func chat(_ text: String, model: String = "openai/gpt-oss-20b", tools: [String] = []) -> ChatRequest {
    var request = ChatRequest(model: model, messages: [ChatMessage(role: .user, content: .text(text))])
    request.stream = true
    request.streamOptions = StreamOptions(includeUsage: true)
    if !tools.isEmpty {
        request.tools = tools.map {
            ChatTool(function: FunctionDefinition(name: $0, description: nil, parameters: ["type": "object"]))
        }
    }
    return request
}

/// A Claude request with one user message.
func claudeRequest(_ text: String, model: String = "claude-sonnet-4-5", tools: [Tool]? = nil) -> MessagesRequest {
    MessagesRequest(model: model, messages: [Message(role: .user, text: text)], maxTokens: 256, stream: true, tools: tools)
}

/// The text of the content deltas of `chunks`.
func contentText(_ chunks: [ChatChunk]) -> String {
    chunks.flatMap(\.choices).compactMap(\.delta.content).joined()
}

/// Elapsed seconds of `body`.
func elapsed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try await body()
    let d = ContinuousClock.now - start
    return (value, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
}

/// Loads the captured fixtures: `$FIXTURES_DIR`, else `Tests/Fixtures` of this repository.
enum Fixtures {
    static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["FIXTURES_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        // Tests/UpstreamTests/Support/UpstreamHarness.swift -> Tests/Fixtures
        var tests = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { tests.deleteLastPathComponent() }
        return tests.appendingPathComponent("Fixtures")
    }()

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    static func upstreamSSENames() -> [String] {
        let items = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("upstream").path)) ?? []
        return items.filter { $0.hasSuffix(".sse") }.sorted()
    }
}
