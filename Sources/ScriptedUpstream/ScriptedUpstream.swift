#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import OpenAIAPI
import ServiceLifecycle
import Synchronization

/// A scripted OpenAI-compatible server that misbehaves on demand, for tests and benchmarks.
///
/// Endpoints: `POST /v1/chat/completions` (streamed or not), `GET /v1/models` (Nebius verbose
/// shape), and the admin endpoints `POST /_scripted/enqueue` (one behaviour or a list),
/// `GET /_scripted/requests`, `POST /_scripted/reset`, `POST /_scripted/catalogue` (a list of
/// models or `{"data":[...]}`), `POST /_scripted/models_failure` (how `GET /v1/models` fails,
/// see ``ModelsFailure``; `{}` ends it) and `POST /_scripted/options`
/// (`{"strict_models":false,"enforce_window":"vllm"}`, see ``Options``).
///
/// Like Nebius, a chat request for a model the catalogue does not list gets a 404
/// `{"detail":"Model <id> not found"}` (before any queued behaviour is used), unless
/// ``Options/strictModels`` is off.
///
/// ```swift
/// let upstream = ScriptedUpstream()
/// try await upstream.start()            // 127.0.0.1, a free port
/// upstream.enqueue(.error(503), .text("ok"))
/// // ... point a client at upstream.baseURL ("http://127.0.0.1:PORT/v1") ...
/// #expect(upstream.chatRequests.count == 2)
/// await upstream.stop()
/// ```
public final class ScriptedUpstream: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0: a free port, see ``ScriptedUpstream/port`` once started.
        public var port: Int
        public var catalogue: [UpstreamModel]
        /// The catalogue as JSON objects, with members ``UpstreamModel`` does not keep
        /// (`supported_features`, ...); when set it wins over ``catalogue``.
        public var catalogueEntries: [JSONValue]?
        /// When set, requests without `Authorization: Bearer <key>` get a 401.
        public var requiredAPIKey: String?
        /// Whether a chat request for a model missing from the catalogue gets a 404, as Nebius
        /// answers. Off: any model id is served (tests that do not care about ids).
        public var rejectUnknownModels: Bool
        /// When set, a request whose prompt (characters / 4) plus `max_tokens` is over the
        /// model's catalogue window is refused in this style, as a real server would.
        public var enforceContextWindow: OverflowStyle?
        public var maxBodySize: Int
        public var logLevel: Logger.Level
        /// Keep only the newest this many records (benchmarks); `nil` keeps all.
        public var maxRecords: Int?

        public init(
            host: String = "127.0.0.1", port: Int = 0, catalogue: [UpstreamModel] = ScriptedCatalogue.default,
            requiredAPIKey: String? = nil, rejectUnknownModels: Bool = true, enforceContextWindow: OverflowStyle? = nil,
            maxBodySize: Int = 256 << 20, logLevel: Logger.Level = .warning
        ) {
            self.host = host
            self.port = port
            self.catalogue = catalogue
            self.requiredAPIKey = requiredAPIKey
            self.rejectUnknownModels = rejectUnknownModels
            self.enforceContextWindow = enforceContextWindow
            self.maxBodySize = maxBodySize
            self.logLevel = logLevel
        }
    }

    /// What the admin API may change at run time; ``reset()`` restores the configured values.
    public struct Options: Sendable, Hashable, Codable {
        /// 404 for a model the catalogue does not list (``Configuration/rejectUnknownModels``).
        public var strictModels: Bool
        /// ``Configuration/enforceContextWindow``.
        public var enforceWindow: OverflowStyle?

        public init(strictModels: Bool = true, enforceWindow: OverflowStyle? = nil) {
            self.strictModels = strictModels
            self.enforceWindow = enforceWindow
        }

        enum CodingKeys: String, CodingKey {
            case strictModels = "strict_models"
            case enforceWindow = "enforce_window"
        }
    }

    struct State {
        var queue: [Behavior] = []
        var records: [RecordedRequest] = []
        var nextID = 1
        var counters: [String: Int] = [:]
        var catalogue: Catalogue
        var options: Options
        var modelsFailure: ModelsFailure?
        var port: Int?
    }

    /// The catalogue as served and as looked up.
    struct Catalogue {
        var entries: [JSONValue]
        var models: [UpstreamModel]
        var byID: [String: UpstreamModel]

        init(entries: [JSONValue]) {
            self.entries = entries
            self.models = entries.compactMap(ScriptedCatalogue.model(from:))
            self.byID = Dictionary(models.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }

        init(models: [UpstreamModel]) {
            self.init(entries: models == ScriptedCatalogue.default ? ScriptedCatalogue.defaultEntries : models.map(ScriptedCatalogue.entry))
        }
    }

    let configuration: Configuration
    let state: Mutex<State>
    let runTask = Mutex<Task<Void, any Error>?>(nil)
    let logger: Logger

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.state = Mutex(State(catalogue: Self.initialCatalogue(configuration), options: Self.initialOptions(configuration)))
        var logger = Logger(label: "ScriptedUpstream")
        logger.logLevel = configuration.logLevel
        self.logger = logger
    }

    // MARK: Lifecycle

    /// Binds and starts serving in the background; returns once the port is known.
    @discardableResult
    public func start() async throws -> Int {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = makeApplication { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        runTask.withLock { $0 = task }
        for await port in ports {
            return port
        }
        try await task.value
        throw ScriptedUpstreamError(description: "the scripted upstream stopped before it was listening")
    }

    /// Serves until the task is cancelled or SIGINT/SIGTERM arrives (the executable's mode).
    /// `onListening` gets the bound port. A signal stops at once, without waiting for stalled
    /// answers to finish.
    public func runUntilSignal(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let app = makeApplication(onListening: onListening)
        let group = ServiceGroup(
            configuration: .init(services: [app], cancellationSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Stops serving (in-flight requests are cut).
    public func stop() async {
        let task = runTask.withLock { task -> Task<Void, any Error>? in
            defer { task = nil }
            return task
        }
        task?.cancel()
        _ = try? await task?.value
    }

    /// The bound port (0 before ``start()``).
    public var port: Int { state.withLock { $0.port ?? 0 } }
    /// `http://127.0.0.1:PORT/v1`, the base URL clients use.
    public var baseURL: String { "http://\(configuration.host):\(port)/v1" }

    // MARK: Script and records

    /// Queues behaviours for the next requests, in order. A `failThenSucceed` expands into its
    /// failures followed by its success behaviour.
    public func enqueue(_ behaviors: Behavior...) { enqueue(contentsOf: behaviors) }

    public func enqueue(contentsOf behaviors: [Behavior]) {
        let expanded = behaviors.flatMap(Self.expand)
        state.withLock { $0.queue.append(contentsOf: expanded) }
    }

    static func expand(_ behavior: Behavior) -> [Behavior] {
        guard case .failThenSucceed(let times, let failure, let then) = behavior else { return [behavior] }
        return Array(repeating: .httpError(failure), count: max(0, times)) + expand(then)
    }

    /// The number of queued behaviours not used yet.
    public var queuedCount: Int { state.withLock { $0.queue.count } }

    /// Every recorded request (chat and models), oldest first.
    public var requests: [RecordedRequest] { state.withLock { $0.records } }
    /// The recorded chat completion requests.
    public var chatRecords: [RecordedRequest] { requests.filter(\.isChatCompletion) }
    /// The decoded bodies of the chat completion requests.
    public var chatRequests: [ChatRequest] { chatRecords.compactMap(\.chat) }
    /// How many requests the client abandoned before the answer was complete.
    public var cancelledRequestCount: Int { state.withLock { $0.records.filter(\.clientClosed).count } }

    /// Clears the queue, the records and the `fail_then_succeed` counters, and restores the
    /// configured catalogue and options (a `/v1/models` failure ends).
    public func reset() {
        let catalogue = Self.initialCatalogue(configuration)
        let options = Self.initialOptions(configuration)
        state.withLock {
            $0.queue.removeAll()
            $0.records.removeAll()
            $0.counters.removeAll()
            $0.nextID = 1
            $0.catalogue = catalogue
            $0.options = options
            $0.modelsFailure = nil
        }
    }

    static func initialCatalogue(_ configuration: Configuration) -> Catalogue {
        configuration.catalogueEntries.map(Catalogue.init(entries:)) ?? Catalogue(models: configuration.catalogue)
    }

    static func initialOptions(_ configuration: Configuration) -> Options {
        Options(strictModels: configuration.rejectUnknownModels, enforceWindow: configuration.enforceContextWindow)
    }

    /// Replaces what `GET /v1/models` lists and which models chat requests may name.
    public func setCatalogue(_ models: [UpstreamModel]) {
        state.withLock { $0.catalogue = Catalogue(models: models) }
    }

    /// Replaces the catalogue with JSON entries (kept as given, completed with `object`,
    /// `created`, `owned_by` and `status` when missing).
    public func setCatalogue(entries: [JSONValue]) {
        let completed = entries.compactMap(ScriptedCatalogue.completed)
        state.withLock { $0.catalogue = Catalogue(entries: completed) }
    }

    /// The models listed now.
    public var catalogue: [UpstreamModel] { state.withLock { $0.catalogue.models } }

    /// Makes `GET /v1/models` fail until ``reset()`` or `nil`.
    public func setModelsFailure(_ failure: ModelsFailure?) {
        state.withLock { $0.modelsFailure = failure }
    }

    public var options: Options {
        get { state.withLock { $0.options } }
        set { state.withLock { $0.options = newValue } }
    }

    /// Polls until `condition` holds for the records, for at most `timeout` seconds.
    @discardableResult
    public func waitUntil(timeout: Double = 5, _ condition: @Sendable ([RecordedRequest]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        while ContinuousClock.now < deadline {
            if condition(requests) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(requests)
    }

    func update(_ id: Int, _ change: (inout RecordedRequest) -> Void) {
        state.withLock { state in
            if let i = state.records.lastIndex(where: { $0.id == id }) { change(&state.records[i]) }
        }
    }

    func record(_ request: RecordedRequest) -> Int {
        state.withLock { state in
            var request = request
            request.id = state.nextID
            state.nextID += 1
            state.records.append(request)
            if let limit = configuration.maxRecords, state.records.count > limit {
                state.records.removeFirst(state.records.count - limit)
            }
            return request.id
        }
    }
}

public struct ScriptedUpstreamError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The request context: the default one plus the channel, to notice a client that went away.
struct ScriptedContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    var maxUploadSize: Int { 256 << 20 }
}

/// Closes the connection as soon as the client half-closes it. Hummingbird allows half-closure,
/// so without this a client that went away while the server is silent (a stall before the
/// first byte) would go unnoticed until the next write.
final class ClientCloseDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }
}

extension ScriptedUpstream {
    func makeApplication(onListening: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router(context: ScriptedContext.self)
        router.post("/v1/chat/completions") { request, context in try await self.chatCompletions(request, context) }
        router.post("/chat/completions") { request, context in try await self.chatCompletions(request, context) }
        router.get("/v1/models") { request, context in try await self.models(request, context) }
        router.get("/models") { request, context in try await self.models(request, context) }
        router.post("/_scripted/enqueue") { request, context in try await self.adminEnqueue(request, context) }
        router.get("/_scripted/requests") { _, _ in self.adminRequests() }
        router.post("/_scripted/reset") { _, _ in
            self.reset()
            return Self.json(#"{"ok":true}"#)
        }
        router.post("/_scripted/catalogue") { request, context in try await self.adminCatalogue(request, context) }
        router.post("/_scripted/models_failure") { request, context in try await self.adminModelsFailure(request, context) }
        router.post("/_scripted/options") { request, context in try await self.adminOptions(request, context) }
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [ClientCloseDetector()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                self.state.withLock { $0.port = port }
                onListening(port)
            },
            logger: applicationLogger
        )
    }

    /// Hummingbird's own logger: quiet unless asked for info or more, since stopping a server
    /// with stalled answers logs a `CancellationError` at error level for every connection.
    var applicationLogger: Logger {
        var logger = self.logger
        if configuration.logLevel > .info { logger.logLevel = .critical }
        return logger
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func headerDictionary(_ fields: HTTPFields) -> [String: String] {
        var out: [String: String] = [:]
        for field in fields {
            let name = field.name.canonicalName
            if let existing = out[name] {
                out[name] = existing + ", " + field.value
            } else {
                out[name] = field.value
            }
        }
        return out
    }

    // MARK: Admin

    func adminEnqueue(_ request: Request, _ context: ScriptedContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: configuration.maxBodySize)
        let data = Data(body.readableBytesView)
        do {
            let behaviors: [Behavior]
            if let list = try? JSONDecoder().decode([Behavior].self, from: data) {
                behaviors = list
            } else {
                behaviors = [try JSONDecoder().decode(Behavior.self, from: data)]
            }
            enqueue(contentsOf: behaviors)
            return Self.json(#"{"queued":\#(queuedCount)}"#)
        } catch {
            return Self.json(#"{"error":\#(jsonString("bad behaviour: \(error)"))}"#, status: .badRequest)
        }
    }

    /// A JSON array of the records, oldest first.
    func adminRequests() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let list = (try? encoder.encode(requests)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
        return Self.json(list)
    }

    func adminCatalogue(_ request: Request, _ context: ScriptedContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: configuration.maxBodySize)
        do {
            setCatalogue(entries: try ScriptedCatalogue.loadEntries(contentsOf: Array(body.readableBytesView)))
            return Self.json(#"{"ok":true,"models":\#(catalogue.count)}"#)
        } catch {
            return Self.json(#"{"error":\#(jsonString("bad catalogue: \(error)"))}"#, status: .badRequest)
        }
    }

    /// `{"status":503}`, `{"kind":"close"}`, `{"kind":"stall","seconds":5}`; `{}` or `null`: none.
    func adminModelsFailure(_ request: Request, _ context: ScriptedContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: configuration.maxBodySize)
        let bytes = Array(body.readableBytesView)
        do {
            let json = JSONValue.parse(bytes)
            let failure: ModelsFailure?
            if json == nil || json == .null || json?.objectValue?.isEmpty == true {
                failure = nil
            } else {
                failure = try JSONDecoder().decode(ModelsFailure.self, from: Data(bytes))
            }
            setModelsFailure(failure)
            return Self.json(#"{"ok":true}"#)
        } catch {
            return Self.json(#"{"error":\#(jsonString("bad models failure: \(error)"))}"#, status: .badRequest)
        }
    }

    /// Changes the members given, keeps the others; answers with all of them.
    func adminOptions(_ request: Request, _ context: ScriptedContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: configuration.maxBodySize)
        guard let json = JSONValue.parse(Array(body.readableBytesView)), let members = json.objectValue else {
            return Self.json(#"{"error":"options are a JSON object"}"#, status: .badRequest)
        }
        var options = self.options
        if let strict = members["strict_models"] {
            guard case .bool(let flag) = strict else {
                return Self.json(#"{"error":"strict_models is true or false"}"#, status: .badRequest)
            }
            options.strictModels = flag
        }
        if let enforce = members["enforce_window"] {
            switch enforce {
            case .null, .bool(false):
                options.enforceWindow = nil
            case .bool(true):
                options.enforceWindow = .vllm
            default:
                guard let data = try? JSONEncoder().encode(enforce),
                      let style = try? JSONDecoder().decode(OverflowStyle.self, from: data)
                else {
                    return Self.json(#"{"error":\#(jsonString("unknown overflow style \(enforce.compactText)"))}"#, status: .badRequest)
                }
                options.enforceWindow = style
            }
        }
        self.options = options
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = (try? encoder.encode(options)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return Self.json(text)
    }

    // MARK: Models

    func models(_ request: Request, _ context: ScriptedContext) async throws -> Response {
        var record = RecordedRequest(
            id: 0, method: request.method.rawValue, path: request.uri.description,
            headers: Self.headerDictionary(request.headers), body: nil, chat: nil, stream: false)
        if let failure = authFailure(request.headers) {
            record.behavior = "error"
            record.completed = true
            _ = self.record(record)
            return failure
        }
        let (entries, failure) = state.withLock { ($0.catalogue.entries, $0.modelsFailure) }
        guard let failure else {
            record.completed = true
            _ = self.record(record)
            return Self.json(ScriptedCatalogue.listJSON(entries))
        }
        record.behavior = "models_" + failure.kind
        let id = self.record(record)
        let exchange = Exchange(id: id, channel: context.channel, chat: ChatRequest(model: "", messages: []), stream: false)
        switch failure {
        case .http(let spec):
            update(id) { $0.completed = true }
            return Self.errorResponse(spec, model: nil)
        case .close:
            try await resetConnection(exchange)
        case .stall(let seconds):
            try await pause(seconds, exchange)
            update(id) { $0.completed = true }
            return Self.json(ScriptedCatalogue.listJSON(entries))
        }
    }

    func authFailure(_ headers: HTTPFields) -> Response? {
        guard let key = configuration.requiredAPIKey else { return nil }
        if headers[.authorization] == "Bearer \(key)" { return nil }
        return Self.json(
            #"{"error":{"message":"Invalid API key provided.","type":"authentication_error","code":"invalid_api_key"}}"#,
            status: .unauthorized)
    }
}
