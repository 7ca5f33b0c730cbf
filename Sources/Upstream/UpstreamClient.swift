#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import AsyncHTTPClient
import ClaudeAPI
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import OpenAIAPI
import ServerSentEvents
import Synchronization
import Translation

/// One item of an upstream answer: a chunk, or word that the upstream has said nothing for the
/// heartbeat interval asked of ``UpstreamClient/streamChat(_:heartbeat:)``.
public enum UpstreamItem: Sendable {
    case chunk(ChatChunk)
    case silence
}

/// The items of one upstream answer. It ends normally at `[DONE]` or at the end of the body
/// (some servers omit `[DONE]`), or throws an ``UpstreamStreamError`` when the upstream fails
/// after the status line (connection reset, idle timeout). ``cancel()``, cancelling the
/// consuming task, or dropping the sequence cancels the HTTP request; the sequence then ends.
///
/// At most ``UpstreamConfig/chunkReadAhead`` chunks wait for the consumer: beyond that the
/// upstream is not read until the consumer catches up (``ChunkCredit``).
public struct ChatChunkStream: AsyncSequence, Sendable {
    public typealias Element = UpstreamItem
    let items: AsyncThrowingStream<UpstreamItem, any Error>
    let producer: Task<Void, Never>
    let credit: ChunkCredit

    /// Stops the upstream request; a consumer waiting for the next item sees the end.
    public func cancel() { producer.cancel() }

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: items.makeAsyncIterator(), credit: credit)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<UpstreamItem, any Error>.AsyncIterator
        let credit: ChunkCredit

        public mutating func next() async throws -> UpstreamItem? {
            let item = try await base.next()
            if case .chunk = item { credit.consumed() }
            return item
        }
    }
}

/// An upstream failure after the answer started: the client gets it as an `error` event.
public struct UpstreamStreamError: Error, Sendable, Hashable {
    public var error: APIError
    public init(_ error: APIError) { self.error = error }
}

/// The client of the OpenAI-compatible upstream (Nebius Token Factory).
///
/// - Reads the status before anything else: an error status is mapped to an ``UpstreamFailure``
///   (with ``ErrorMapping``) and thrown; only a success returns a stream.
/// - Retries (``RetryPolicy``) before the first byte only: connect errors, 429, 500, 502,
///   503, 504, honouring `Retry-After`.
/// - An idle timeout (`requestTimeout`): no byte for that long, before the status or between
///   chunks, ends the request.
/// - The API key goes into the `Authorization` header and nowhere else: no message and no log
///   line carries it.
///
/// ```swift
/// let http = UpstreamClient.makeHTTPClient(config: config)   // shut down by the owner
/// let client = UpstreamClient(config: config, httpClient: http, logger: logger)
/// for try await chunk in try await client.streamChat(chat) { ... }
/// ```
public struct UpstreamClient: Sendable {
    public let config: UpstreamConfig
    public let retryPolicy: RetryPolicy
    let httpClient: HTTPClient
    let logger: Logger

    // AsyncHTTPClient gets no logger (its default is silent), so that nothing about a request,
    // headers included, reaches a log line through it.

    /// Largest error body read (the rest is dropped).
    static let maxErrorBody = 1 << 20
    /// Largest non-streamed body read (a model list, or a JSON answer to a stream request).
    static let maxJSONBody = 64 << 20

    public init(config: UpstreamConfig, httpClient: HTTPClient, logger: Logger) {
        self.config = config
        self.retryPolicy = RetryPolicy(maxRetries: config.maxRetries, maxDelay: config.maxRetryDelay)
        self.httpClient = httpClient
        self.logger = logger
    }

    /// An `HTTPClient` set up for the upstream (connect timeout from `config`, no read timeout:
    /// idle timeouts are per request). The caller owns it and shuts it down.
    ///
    /// The pool's own retrying of failed connection attempts is off: it would keep a request
    /// waiting for the whole connect timeout on a refused connection, once per attempt. Connect
    /// failures are retried by ``RetryPolicy`` instead, few and fast.
    public static func makeHTTPClient(config: UpstreamConfig) -> HTTPClient {
        let connect = TimeAmount.milliseconds(Int64(max(0.001, config.connectTimeout) * 1000))
        var configuration = HTTPClient.Configuration(timeout: .init(connect: connect))
        // AsyncHTTPClient keeps 8 HTTP/1 connections per host by default: the 9th concurrent
        // stream would wait for a free one (and time out waiting). A proxy in front of Claude
        // Code and its subagents needs one connection per concurrent stream.
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: config.maxConnections)
        configuration.httpVersion = .automatic
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.tracing.tracer = nil  // no span per request: nothing here reads them
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    // MARK: Chat completions

    /// Sends `chat` (which should ask for a stream) and returns once the upstream answered with
    /// a success status. With a `heartbeat`, a ``UpstreamItem/silence`` item comes after every
    /// `heartbeat` without a byte from the upstream (the proxy turns it into a `ping`).
    ///
    /// - Throws: ``UpstreamFailure`` for an error status (after retries), a connect failure
    ///   (naming the base URL), an idle timeout before the status (`timeout_error`), or the
    ///   caller's cancellation.
    ///
    /// `estimatedInputTokens` and `contextWindow` fill in a context-overflow message where the
    /// upstream's own words give no numbers.
    public func streamChat(
        _ chat: ChatRequest, heartbeat: Duration? = nil, estimatedInputTokens: Int? = nil, contextWindow: Int? = nil
    ) async throws(UpstreamFailure) -> ChatChunkStream {
        let body = ByteBuffer(bytes: chat.jsonBytes())
        let (heads, headContinuation) = AsyncStream<UpstreamFailure?>.makeStream()
        let (chunks, chunkContinuation) = AsyncThrowingStream<UpstreamItem, any Error>.makeStream()
        let credit = ChunkCredit(limit: config.chunkReadAhead)
        let producer = Task(executorPreference: EventLoopTaskExecutor.preferred) {
            await self.pump(
                body: body, model: chat.model, context: (estimatedInputTokens, contextWindow), heartbeat: heartbeat,
                head: headContinuation, chunks: chunkContinuation, credit: credit)
        }
        chunkContinuation.onTermination = { termination in
            if case .cancelled = termination { producer.cancel() }
        }
        let outcome: UpstreamFailure?? = await withTaskCancellationHandler {
            var iterator = heads.makeAsyncIterator()
            return await iterator.next()
        } onCancel: {
            producer.cancel()
        }
        switch outcome {
        case .some(.none):
            return ChatChunkStream(items: chunks, producer: producer, credit: credit)
        case .some(.some(let failure)):
            throw failure
        case .none:
            producer.cancel()
            throw UpstreamFailure(APIError(.api, "The request was cancelled before the upstream answered."))
        }
    }

    private enum AttemptResult: Sendable {
        case streamed
        case httpError(status: Int, retryAfter: String?, body: [UInt8])
    }

    /// Runs the attempts of one request: resolves `head` once (nil = success, or the failure),
    /// then feeds `chunks`.
    private func pump(
        body: ByteBuffer, model: String, context: (estimate: Int?, window: Int?), heartbeat: Duration?,
        head: AsyncStream<UpstreamFailure?>.Continuation,
        chunks: AsyncThrowingStream<UpstreamItem, any Error>.Continuation, credit: ChunkCredit
    ) async {
        let headSent = OnceFlag()  // the status line of a success arrived: no retry after it
        let metrics = UpstreamMetrics.current  // /metrics
        let request = makeRequest(path: "/chat/completions", method: .POST, body: body, accept: "text/event-stream")
        let silence: IdleHeartbeat? = heartbeat.map { interval in
            IdleHeartbeat(interval: interval) { if headSent.isSet { chunks.yield(.silence) } }
        }
        var attempt = 0
        while true {
            do {
                let result = try await withIdleTimeout(config.requestTimeout, heartbeat: silence) { watchdog in
                    metrics?.requestStarted(); defer { metrics?.requestEnded() }  // /metrics
                    let response = try await self.httpClient.execute(request, deadline: .distantFuture)
                    watchdog.touch()
                    let status = Int(response.status.code)
                    guard (200..<300).contains(status) else {
                        let body = try await Self.read(response.body, upTo: Self.maxErrorBody, watchdog: watchdog)
                        return AttemptResult.httpError(status: status, retryAfter: response.headers.first(name: "retry-after"), body: body)
                    }
                    headSent.set()
                    head.yield(nil)
                    head.finish()
                    try await self.feed(response, into: chunks, credit: credit, watchdog: watchdog)
                    return .streamed
                }
                switch result {
                case .streamed:
                    chunks.finish()
                    return
                case .httpError(let status, let retryAfterHeader, let errorBody):
                    let retryAfter = retryAfterHeader.flatMap { RetryPolicy.parseRetryAfter($0) }
                    if retryPolicy.shouldRetry(status: status, attempt: attempt, retryAfter: retryAfter) {
                        metrics?.retried(status: status)  // /metrics
                        let wait = retryPolicy.delay(attempt: attempt, retryAfter: retryAfter, unitRandom: Double.random(in: 0..<1))
                        logger.notice(
                            "upstream answered \(status), retrying",
                            metadata: ["attempt": "\(attempt + 1)", "wait": "\(wait)"])
                        attempt += 1
                        guard await Self.sleep(seconds: wait) else { return head.finish() }
                        continue
                    }
                    let error = ErrorMapping.map(
                        status: status, body: errorBody, model: model, secrets: secrets,
                        estimatedInputTokens: context.estimate, contextWindow: context.window)
                    let seconds = retryAfter.map { Int($0.rounded(.up)) }
                    head.yield(UpstreamFailure(error, retryAfter: seconds, upstreamStatus: status))
                    head.finish()
                    return
                }
            } catch {
                if headSent.isSet {
                    if Task.isCancelled {
                        chunks.finish()
                    } else if let error = error as? UpstreamStreamError {
                        chunks.finish(throwing: error)
                    } else if error is IdleTimeoutError {
                        chunks.finish(throwing: UpstreamStreamError(ErrorMapping.timeout(seconds: config.requestTimeout, midStream: true)))
                    } else {
                        chunks.finish(throwing: UpstreamStreamError(ErrorMapping.streamInterrupted(reason: describe(error))))
                    }
                    return
                }
                if Task.isCancelled { return head.finish() }
                if error is IdleTimeoutError {
                    head.yield(UpstreamFailure(ErrorMapping.timeout(seconds: config.requestTimeout, midStream: false)))
                    return head.finish()
                }
                if retryPolicy.shouldRetryConnectFailure(attempt: attempt) {
                    metrics?.retried(status: nil)  // /metrics
                    let wait = retryPolicy.delay(attempt: attempt, retryAfter: nil, unitRandom: Double.random(in: 0..<1))
                    logger.notice(
                        "upstream unreachable, retrying",
                        metadata: ["attempt": "\(attempt + 1)", "wait": "\(wait)", "error": "\(describe(error))"])
                    attempt += 1
                    guard await Self.sleep(seconds: wait) else { return head.finish() }
                    continue
                }
                head.yield(UpstreamFailure.unreachable(baseURL: config.baseURL, reason: describe(error)))
                return head.finish()
            }
        }
    }

    /// Decodes the body into chunks. A `data:` payload that is not JSON is skipped with a
    /// warning (servers have been seen to send stray lines); `[DONE]` ends the chunks, and the
    /// rest of the body is read so that the connection can be reused.
    private func feed(
        _ response: HTTPClientResponse, into chunks: AsyncThrowingStream<UpstreamItem, any Error>.Continuation,
        credit: ChunkCredit, watchdog: IdleWatchdog
    ) async throws {
        if let type = response.headers.first(name: "content-type"), type.lowercased().utf8.firstRange(of: "application/json".utf8) != nil {
            // A server that ignored `stream: true`: the whole answer in one body.
            let bytes = try await Self.read(response.body, upTo: Self.maxJSONBody, watchdog: watchdog)
            do {
                let chunk = try ChatResponse.decode(json: bytes)
                credit.produced()
                chunks.yield(.chunk(chunk))
            } catch {
                throw UpstreamStreamError(APIError(.api, "The upstream answered with JSON that is not a chat completion: \(error)"))
            }
            return
        }
        var sse = SSEDecoder()
        var done = false
        func handle(_ events: [SSEDecoder.Event]) {
            for event in events where !done {
                let payload = event.data
                if payload == "[DONE]" {
                    done = true
                    chunks.finish()
                    return
                }
                if payload.isEmpty { continue }
                do {
                    let chunk = try ChatChunk.decode(json: payload.utf8)
                    credit.produced()
                    chunks.yield(.chunk(chunk))
                } catch {
                    logger.warning(
                        "skipping an upstream stream frame that is not a chat chunk",
                        metadata: ["frame": "\(redact(payload).prefix(200))", "error": "\(redact("\(error)"))"])
                }
            }
        }
        for try await buffer in response.body {
            watchdog.touch()
            if !done {
                handle(sse.push(buffer.readableBytesView))
                await watchdog.paused { await credit.waitForRoom() }
            }
        }
        if !done { handle(sse.finish()) }
    }

    // MARK: Models

    /// The upstream catalogue as the faces see it.
    public func catalogue() async throws(UpstreamFailure) -> [CatalogueModel] {
        try await models().map(CatalogueModel.init)
    }

    /// The upstream catalogue, `GET {baseURL}/models?verbose=true`.
    public func models() async throws(UpstreamFailure) -> [UpstreamModel] {
        let request = makeRequest(path: "/models?verbose=true", method: .GET, body: nil, accept: "application/json")
        var attempt = 0
        while true {
            let status: Int
            let retryAfterHeader: String?
            let body: [UInt8]
            do {
                (status, retryAfterHeader, body) = try await withIdleTimeout(config.requestTimeout) { watchdog in
                    let response = try await self.httpClient.execute(request, deadline: .distantFuture)
                    watchdog.touch()
                    let status = Int(response.status.code)
                    let limit = (200..<300).contains(status) ? Self.maxJSONBody : Self.maxErrorBody
                    let body = try await Self.read(response.body, upTo: limit, watchdog: watchdog)
                    return (status, response.headers.first(name: "retry-after"), body)
                }
            } catch {
                if Task.isCancelled {
                    throw UpstreamFailure(APIError(.api, "The request was cancelled."))
                }
                if error is IdleTimeoutError {
                    throw UpstreamFailure(ErrorMapping.timeout(seconds: config.requestTimeout, midStream: false))
                }
                if retryPolicy.shouldRetryConnectFailure(attempt: attempt) {
                    let wait = retryPolicy.delay(attempt: attempt, retryAfter: nil, unitRandom: Double.random(in: 0..<1))
                    attempt += 1
                    if await Self.sleep(seconds: wait) { continue }
                    throw UpstreamFailure(APIError(.api, "The request was cancelled."))
                }
                throw UpstreamFailure.unreachable(baseURL: config.baseURL, reason: describe(error))
            }
            if (200..<300).contains(status) {
                do {
                    return try JSONDecoder().decode(UpstreamModelList.self, from: Data(body)).data
                } catch {
                    throw UpstreamFailure(APIError(.api, "The upstream model list at \(config.baseURL)/models could not be read: \(error)"))
                }
            }
            let retryAfter = retryAfterHeader.flatMap { RetryPolicy.parseRetryAfter($0) }
            if retryPolicy.shouldRetry(status: status, attempt: attempt, retryAfter: retryAfter) {
                let wait = retryPolicy.delay(attempt: attempt, retryAfter: retryAfter, unitRandom: Double.random(in: 0..<1))
                attempt += 1
                if await Self.sleep(seconds: wait) { continue }
                throw UpstreamFailure(APIError(.api, "The request was cancelled."))
            }
            let error = ErrorMapping.map(status: status, body: body, model: "", secrets: secrets)
            throw UpstreamFailure(error, retryAfter: retryAfter.map { Int($0.rounded(.up)) }, upstreamStatus: status)
        }
    }

    // MARK: Helpers

    /// Strings that must never reach a message or a log line.
    var secrets: [String] { config.apiKey.isEmpty ? [] : [config.apiKey] }

    func makeRequest(path: String, method: HTTPMethod, body: ByteBuffer?, accept: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: config.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(config.apiKey)")
        request.headers.add(name: "Accept", value: accept)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        for header in config.extraHeaders {
            request.headers.replaceOrAdd(name: header.name, value: header.value)
        }
        return request
    }

    /// What went wrong, for a message: never the key.
    func describe(_ error: any Error) -> String {
        let text: String
        switch error {
        case let error as HTTPClientError where error == .connectTimeout:
            text = "connect timeout after \(config.connectTimeout) s"
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            text = "the upstream closed the connection"
        case let error as IOError:
            text = String(cString: strerror(error.errnoCode)).lowercased()
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first {
                return describe(first.error)
            }
            text = error.dnsAError != nil || error.dnsAAAAError != nil ? "cannot resolve \(error.host)" : "cannot connect"
        default:
            text = String(describing: error)
        }
        return redact(text)
    }

    /// Reads at most `limit` bytes of a body (the rest is dropped).
    static func read(_ body: HTTPClientResponse.Body, upTo limit: Int, watchdog: IdleWatchdog) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await buffer in body {
            watchdog.touch()
            bytes.append(contentsOf: buffer.readableBytesView.prefix(limit - bytes.count))
            if bytes.count >= limit { break }
        }
        return bytes
    }

    /// Sleeps; `false` when cancelled.
    static func sleep(seconds: Double) async -> Bool {
        do {
            try await Task.sleep(for: .nanoseconds(Int64(max(0, seconds) * 1e9)))
            return true
        } catch {
            return false
        }
    }
}
