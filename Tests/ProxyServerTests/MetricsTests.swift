import ClaudeAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ScriptedUpstream
import Testing
import Translation
import Upstream

@testable import ProxyServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("GET /metrics")
struct MetricsTests {
    static let model = "zai-org/GLM-5.2"

    @Test("a streamed and a non-streamed answer: requests, tokens (cached apart), latency, first token, no stream left")
    func answers() async throws {
        let service = RoutedFake(FakeMessagesService(.events(Self.cachedAnswer)), model: Self.model)
        try await metricsProxy(service).application().test(.router) { client in
            for stream in [true, false] {
                try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: stream)) { response in
                    #expect(response.status == .ok)
                }
            }
            let samples = try await scrape(client)
            let answered = ["route": "/v1/messages", "status": "200", "model": Self.model]
            #expect(samples.value("nebius_chat_requests_total", answered) == 2)
            // input_tokens 12 are the uncached ones; 4 more were read from the cache.
            #expect(samples.value("nebius_chat_tokens_total", ["kind": "input", "model": Self.model]) == 24)
            #expect(samples.value("nebius_chat_tokens_total", ["kind": "cached", "model": Self.model]) == 8)
            #expect(samples.value("nebius_chat_tokens_total", ["kind": "output", "model": Self.model]) == 6)
            #expect(samples.value("nebius_chat_upstream_latency_seconds_count", ["model": Self.model]) == 2)
            #expect(samples.value("nebius_chat_time_to_first_token_seconds_count", ["model": Self.model]) == 1,
                    "only a stream has a first token written to the client")
            let firstToken = try #require(samples.value("nebius_chat_time_to_first_token_seconds_sum", ["model": Self.model]))
            #expect(firstToken > 0 && firstToken < 5)
            #expect(samples.value("nebius_chat_active_streams") == 0)
            #expect(samples.value("nebius_chat_upstream_connections_in_use") == 0)
        }
    }

    @Test("a retry and a fallback through the real pipeline: counted by reason and by the model that failed")
    func retryAndFallback() async throws {
        let upstream = ScriptedUpstream(configuration: .init(rejectUnknownModels: false))
        try await upstream.start()
        let config = UpstreamConfig(
            baseURL: upstream.baseURL, apiKey: "nebius-secret-key-0042", requestTimeout: 5, connectTimeout: 2, maxRetries: 1,
            maxRetryDelay: 0.05)
        let http = UpstreamClient.makeHTTPClient(config: config)
        var logger = Logger(label: "metrics-test")
        logger.logLevel = .critical
        let fallback = "fallback-org/Fallback-Model"
        let service = MessagesService(
            upstream: config, translation: TranslationConfig(), httpClient: http, logger: logger, fallbacks: [fallback])
        // The routed model: 503, retried once, 503 again, so the fallback answers.
        upstream.enqueue(.error(503), .error(503), .text("from the fallback"))
        do {
            try await metricsProxy(service).application().test(.router) { client in
                try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: false)) { response in
                    #expect(response.status == .ok)
                }
                let routed = TranslationConfig.defaultMiddleModel
                let samples = try await scrape(client)
                #expect(samples.value("nebius_chat_upstream_retries_total", ["reason": "503"]) == 1)
                #expect(samples.value("nebius_chat_upstream_retries_total", ["reason": "connect"]) == 0)
                #expect(samples.value("nebius_chat_fallbacks_total", ["model": routed]) == 1)
                #expect(samples.value("nebius_chat_requests_total", ["route": "/v1/messages", "status": "200", "model": fallback]) == 1)
                #expect(samples.value("nebius_chat_upstream_connections_in_use") == 0)
                #expect(!samples.contains { $0.labels.values.contains { $0.contains("nebius-secret") } })
            }
        } catch {
            try? await http.shutdown()
            await upstream.stop()
            throw error
        }
        try await http.shutdown()
        await upstream.stop()
    }

    @Test("a failure after every model names the last one tried, and each fallback is counted")
    func failureAfterFallbacks() async throws {
        let failure = {
            var failure = UpstreamFailure(APIError(.api, "down"), upstreamStatus: 503, status: 502)
            failure.models = ["model-a", "model-b"]
            return failure
        }()
        let service = FakeMessagesService(.failure(failure))
        let catalogue = ["model-a", "model-b"].map { CatalogueModel(id: $0, contextLength: 1000, created: 1) }
        try await metricsProxy(service, models: catalogue).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: true)) { response in
                #expect(response.status.code == 502)
            }
            let samples = try await scrape(client)
            #expect(samples.value("nebius_chat_requests_total", ["route": "/v1/messages", "status": "502", "model": "model-b"]) == 1)
            #expect(samples.value("nebius_chat_fallbacks_total", ["model": "model-a"]) == 1)
            #expect(samples.value("nebius_chat_fallbacks_total", ["model": "model-b"]) == nil)
            #expect(samples.value("nebius_chat_upstream_latency_seconds_count", ["model": "model-b"]) == 0)
        }
    }

    @Test("a client that leaves mid-stream is counted, and its stream is no longer active")
    func clientDisconnect() async throws {
        let events = FakeMessagesService.textEvents("slow")
        let service = FakeMessagesService(.events(events, delay: .milliseconds(300)))
        try await metricsProxy(service).application().test(.live) { client in
            let port = try #require(client.port)
            let request = "POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(messagesBody(stream: true).readableBytes)\r\n\r\n" + String(buffer: messagesBody(stream: true))
            // Reads until the stream has started, then closes the connection.
            let sawStart = try await Task.detached { try RawClient.sendAndHangUp(port: port, request: request, until: "message_start") }.value
            #expect(sawStart)
            var samples: [MetricSample] = []
            for _ in 0..<50 {
                samples = try await scrape(client)
                if samples.value("nebius_chat_client_disconnects_total", ["route": "/v1/messages"]) == 1 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(samples.value("nebius_chat_client_disconnects_total", ["route": "/v1/messages"]) == 1)
            #expect(samples.value("nebius_chat_requests_total", ["route": "/v1/messages", "status": "200"]) == 1)
            #expect(samples.value("nebius_chat_active_streams") == 0)
        }
    }

    @Test("with a client key, /metrics answers 401 without it and the figures with it (x-api-key or Bearer)")
    func behindTheClientKey() async throws {
        let key = "client-secret-key-9876"
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("ok")))
        try await metricsProxy(service, clientKey: key).application().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(json(response.body)?["error"]?["type"] == "authentication_error")
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer wrong"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: false)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            }
            let text = try await scrapeText(client, headers: [HTTPField.Name("x-api-key")!: key])
            #expect(!text.contains(key))
            let samples = parseMetrics(text).samples
            // Turned away by the key: counted once, with no model.
            #expect(samples.value("nebius_chat_requests_total", ["route": "/v1/messages", "status": "401", "model": "none"]) == 1)
            #expect(samples.value("nebius_chat_requests_total", ["route": "/metrics", "status": "401"]) == 2)
            #expect(samples.value("nebius_chat_requests_total", ["route": "/metrics", "status": "200"]) == 1)
        }
    }

    @Test("label values are bounded: unknown model ids are `other`, unknown paths are `other`")
    func boundedLabels() async throws {
        let service = RoutedFake(FakeMessagesService(.events(FakeMessagesService.textEvents("ok"))), model: nil)
        try await metricsProxy(service).application().test(.router) { client in
            for i in 0..<3 {
                let body = ByteBuffer(string: #"{"model":"made-up/model-\#(i)","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"#)
                try await client.execute(uri: "/v1/messages", method: .post, body: body) { response in
                    #expect(response.status == .ok)
                }
                try await client.execute(uri: "/no/such/path-\(i)", method: .get) { response in
                    #expect(response.status == .notFound)
                }
            }
            try await client.execute(uri: "/v1/models/\(Self.model)", method: .get) { _ in }
            let text = try await scrapeText(client)
            #expect(!text.contains("made-up"))
            #expect(!text.contains("path-"))
            let samples = parseMetrics(text).samples
            #expect(samples.value("nebius_chat_requests_total", ["route": "/v1/messages", "status": "200", "model": "other"]) == 3)
            #expect(samples.value("nebius_chat_requests_total", ["route": "other", "status": "404"]) == 3)
            #expect(samples.value("nebius_chat_requests_total", ["route": "/v1/models/{id}", "status": "200"]) == 1)
        }
    }

    @Test("the text output parses: every line a sample or a comment, one TYPE per family")
    func wellFormed() async throws {
        let service = RoutedFake(FakeMessagesService(.events(Self.cachedAnswer)), model: Self.model)
        try await metricsProxy(service).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: true)) { _ in }
            let text = try await scrapeText(client)
            let parsed = parseMetrics(text)
            #expect(parsed.invalid.isEmpty, "\(parsed.invalid)")
            let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }
            #expect(Set(types).count == types.count)
            for family in ["nebius_chat_requests_total", "nebius_chat_upstream_latency_seconds", "nebius_chat_active_streams"] {
                #expect(types.contains { $0.hasPrefix("# TYPE \(family) ") }, "\(family)")
            }
            #expect(parsed.samples.value("nebius_chat_upstream_latency_seconds_bucket", ["model": Self.model, "le": "+Inf"]) == 1)
        }
    }

    @Test("METRICS=off: no /metrics route, requests still answered")
    func off() async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("ok")))
        let app = metricsProxy(service, metrics: false)
        #expect(app.metrics == nil)
        try await app.application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: true)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    /// An answer that read 4 of its 16 input tokens from the cache.
    static let cachedAnswer: [StreamEvent] = [
        .messageStart(MessagesResponse(
            id: "msg_test", model: "claude-sonnet-4-5", content: [], usage: Usage(inputTokens: 12, cacheReadInputTokens: 4))),
        .contentBlockStart(index: 0, block: .text(TextBlock(text: ""))),
        .contentBlockDelta(index: 0, delta: .text("Hi")),
        .contentBlockStop(index: 0),
        .messageDelta(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 12, outputTokens: 3, cacheReadInputTokens: 4)),
        .messageStop,
    ]
}

/// A proxy with metrics on (or off) around `service`.
func metricsProxy(
    _ service: any MessagesServing, clientKey: String? = nil, metrics: Bool = true,
    models: [CatalogueModel] = [CatalogueModel(id: MetricsTests.model, contextLength: 432_000, created: 1_700_000_000)]
) -> ProxyApplication {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    var server = ServerConfig(port: 0, clientAPIKey: clientKey)
    server.metrics = metrics
    return ProxyApplication(
        service: service, catalogue: .fixed(models, logger: logger), translation: TranslationConfig(), server: server, logger: logger)
}

func scrapeText(_ client: some TestClientProtocol, headers: HTTPFields = [:]) async throws -> String {
    try await client.execute(uri: "/metrics", method: .get, headers: headers) { response in
        #expect(response.status == .ok)
        return String(buffer: response.body)
    }
}

func scrape(_ client: some TestClientProtocol) async throws -> [MetricSample] {
    parseMetrics(try await scrapeText(client)).samples
}

/// A fake pipeline that reports the route the real one would: `model` answered (nil: the
/// model the client asked for).
struct RoutedFake: MessagesServing {
    let base: FakeMessagesService
    let model: String?

    init(_ base: FakeMessagesService, model: String?) {
        self.base = base
        self.model = model
    }

    func stream(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream {
        var events = try await base.stream(request, heartbeat: heartbeat)
        events.route = UpstreamRoute(model: model ?? request.model)
        return events
    }
}

/// A blocking HTTP/1.1 client on a plain socket, for leaving in the middle of an answer.
enum RawClient {
    struct Failure: Error {}

    /// Sends `request`, reads until the answer contains `marker` (or ends), closes the socket;
    /// whether the marker was seen.
    static func sendAndHangUp(port: Int, request: String, until marker: String) throws -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure() }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure() }
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { throw Failure() }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return false }
            received += buffer.prefix(count)
            if String(decoding: received, as: UTF8.self).contains(marker) { return true }
        }
    }
}
