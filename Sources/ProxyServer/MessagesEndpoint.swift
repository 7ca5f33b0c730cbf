import ClaudeAPI
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Translation
import Upstream

/// `POST /v1/messages` and `POST /v1/messages/count_tokens`.
struct MessagesEndpoint: Sendable {
    let service: any MessagesServing
    let router: ModelRouter
    let config: ServerConfig
    let logger: Logger
    /// Where the figures of `/metrics` go; nil when it is off.
    var metrics: ProxyMetrics?

    /// For what the fast JSON writers do not cover; one for all requests (building one costs
    /// more than most answers).
    private var encoder: JSONEncoder { sharedEncoder }

    func messages(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        var log = RequestLogLine(method: "POST", path: "/v1/messages", metrics: metrics)
        let parsed: MessagesRequest
        switch await decodeBody(request, context: context, requireMaxTokens: true) {
        case .success(let body): parsed = body
        case .failure(let error): return log.finish(logger, error.response(), started: started, error: error)
        }
        log.model = "\(parsed.model) -> \(router.route(parsed))"  // until the upstream answered
        log.stream = parsed.stream == true
        if let beta = request.headers[betaHeader] { log.beta = beta }

        if parsed.stream == true {
            let events: MessageEventStream
            do {
                let heartbeat = Duration.milliseconds(Int64(config.pingInterval * 1000))
                events = try await cancelOnDisconnect(context.channel) { [service] in
                    try await service.stream(parsed, heartbeat: heartbeat)
                }
            } catch {
                return failureResponse(error, log: log, started: started)
            }
            log.route(parsed.model, events.route)
            let usage = UsageTally()
            let figures = metrics.map { _ in StreamFigures() }  // /metrics
            let logLine = log
            let sse = SSEStream(events: events, encoder: encoder, channel: context.channel) { usage.observe($0); figures?.observe($0) }
            let logger = self.logger
            let body = ResponseBody { writer in
                logLine.metrics?.streamStarted(); defer { logLine.metrics?.streamEnded() }  // /metrics
                do {
                    try await sse.write(to: &writer)
                } catch {
                    usage.clientLeft = true
                }
                var line = logLine
                line.tokens = usage.summary
                figures?.fill(&line, started: started)  // /metrics
                line.finishStream(logger, status: 200, started: started, error: usage.error, clientLeft: usage.clientLeft)
            }
            return Response(status: .ok, headers: sseHeaders, body: body)
        }

        do {
            // One task for both the request and the fold of its events.
            let folded = try await cancelOnDisconnect(context.channel) { [service] in try await Self.fold(service, parsed) }
            log.route(parsed.model, folded.route)
            let message = try folded.message.get()
            log.tokens = (message.usage.inputTokens + message.usage.cacheReadInputTokens, message.usage.outputTokens)
            log.cachedTokens = message.usage.cacheReadInputTokens  // /metrics
            return log.finish(logger, messageResponse(message, encoder: encoder), started: started)
        } catch {
            return failureResponse(error, log: log, started: started)
        }
    }

    /// A non-streamed answer: the fold of the streamed events, and the route that gave them.
    private struct Folded: Sendable {
        var route: UpstreamRoute?
        var message: Result<MessagesResponse, UpstreamFailure>
    }

    private static func fold(_ service: any MessagesServing, _ request: MessagesRequest) async throws(UpstreamFailure) -> Folded {
        let events = try await service.stream(request)
        do {
            return Folded(route: events.route, message: .success(try await events.collect()))
        } catch {
            return Folded(route: events.route, message: .failure(error))
        }
    }

    /// The error response for a failure before the first byte, logged; a client that left is
    /// logged as such (its response goes nowhere).
    private func failureResponse(_ error: any Error, log: RequestLogLine, started: ContinuousClock.Instant) -> Response {
        if error is CancellationError {
            log.finishStream(logger, status: 499, started: started, error: nil, clientLeft: true)
            return APIError(.api, "The request was cancelled.").response()
        }
        let failure = Self.failure(error)
        var log = log
        log.upstream = failure.models.last.map { UpstreamRoute(model: $0, failed: Array(failure.models.dropLast())) }  // /metrics
        if !failure.models.isEmpty, let requested = log.model?.split(separator: " ").first {
            log.model = "\(requested) -> \(failure.models.joined(separator: ", then "))"
        }
        return log.finish(logger, failure.response(), started: started, error: failure.error)
    }

    func countTokens(_ request: Request, context: ProxyRequestContext) async throws -> Response {
        let started = ContinuousClock.now
        var log = RequestLogLine(method: "POST", path: "/v1/messages/count_tokens", metrics: metrics)
        switch await decodeBody(request, context: context, requireMaxTokens: false) {
        case .success(let body):
            log.model = body.model
            let count: TokenCount
            do { count = TokenCount(inputTokens: try service.countTokens(body)) }  // PDFs as text, calibrated (Upstream)
            catch { return log.finish(logger, error.response(), started: started, error: error.error) }
            log.tokens = (count.inputTokens, 0)
            return log.finish(logger, jsonResponse(count, encoder: encoder), started: started)
        case .failure(let error):
            return log.finish(logger, error.response(), started: started, error: error)
        }
    }

    /// The body as a Messages request, or the 400/413 to answer.
    private func decodeBody(_ request: Request, context: ProxyRequestContext, requireMaxTokens: Bool) async -> Result<MessagesRequest, APIError> {
        let limit = config.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return .failure(Self.tooLarge(limit))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            return .failure(Self.tooLarge(limit))
        } catch {
            return .failure(APIError(.invalidRequest, "The request body could not be read: \(error)"))
        }
        let decoded: MessagesRequest
        do {
            decoded = try MessagesRequest.decode(json: buffer.readableBytesView)
        } catch let error as DecodingError {
            return .failure(APIError(.invalidRequest, describe(error)))
        } catch {
            return .failure(APIError(.invalidRequest, "body: not valid JSON"))
        }
        if decoded.messages.isEmpty {
            return .failure(APIError(.invalidRequest, "messages: at least one message is required"))
        }
        if requireMaxTokens {
            guard let maxTokens = decoded.maxTokens else {
                return .failure(APIError(.invalidRequest, "max_tokens: field required"))
            }
            if maxTokens < 1 {
                return .failure(APIError(.invalidRequest, "max_tokens: must be at least 1"))
            }
        }
        return .success(decoded)
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.requestTooLarge, "Request body is larger than the \(limit / (1024 * 1024)) MB limit (MAX_BODY_BYTES).")
    }

    static func failure(_ error: any Error) -> UpstreamFailure {
        if let failure = error as? UpstreamFailure { return failure }
        return UpstreamFailure(APIError(.api, "The request failed: \(error)"))
    }
}

private let sharedEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .withoutEscapingSlashes
    return encoder
}()

private let betaHeader = HTTPField.Name("anthropic-beta")!  // a valid literal header name

private let sseHeaders: HTTPFields = [
    .contentType: "text/event-stream; charset=utf-8",
    .cacheControl: "no-cache",
    .init("x-accel-buffering")!: "no",  // a valid literal header name
]
