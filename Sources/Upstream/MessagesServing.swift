import ClaudeAPI
import Translation

/// Runs one Claude-shaped request through the pipeline: route, translate, call the upstream,
/// translate the stream back. The proxy and the terminal client both talk to this and to
/// nothing else below them.
///
/// `stream` returns only once the upstream has answered with a success status, so an upstream
/// failure before the first byte is thrown as an ``APIError`` (with ``UpstreamFailure`` details
/// where known) rather than delivered as an event. After that the sequence yields
/// `message_start` first and ends with `message_stop`, or with one `.error` event if the
/// upstream fails mid-stream. Cancelling the consuming task cancels the upstream request.
///
/// With a `heartbeat`, the stream yields an empty batch after every `heartbeat` of upstream
/// silence (see ``MessageEventStream/makeBatchIterator()``): the proxy's pings.
public protocol MessagesServing: Sendable {
    func stream(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream
    /// `count_tokens`: the request's input tokens (a default estimates them; see Calibration/).
    func countTokens(_ request: MessagesRequest) throws(UpstreamFailure) -> Int
}

/// An upstream failure before the first byte, ready to be answered to a client.
public struct UpstreamFailure: Error, Sendable, Hashable {
    /// What to tell the client (type, message; the HTTP status follows from the type).
    public var error: APIError
    /// Seconds from an upstream `Retry-After`, forwarded on 429.
    public var retryAfter: Int?
    /// The upstream HTTP status, when there was one (for logs).
    public var upstreamStatus: Int?
    /// The HTTP status to answer: the error type's, or 502 when the upstream could not be reached.
    public var status: Int
    /// The upstream models tried, in order (the last one gave this failure); for logs.
    public var models: [String] = []

    public init(_ error: APIError, retryAfter: Int? = nil, upstreamStatus: Int? = nil, status: Int? = nil) {
        self.error = error
        self.retryAfter = retryAfter
        self.upstreamStatus = upstreamStatus
        self.status = status ?? error.type.httpStatus
    }

    /// The upstream could not be reached: 502 `api_error` naming the base URL (PROTOCOL 5).
    public static func unreachable(baseURL: String, reason: String) -> UpstreamFailure {
        UpstreamFailure(ErrorMapping.connectFailure(baseURL: baseURL, reason: reason), status: 502)
    }
}

extension MessagesServing {
    /// The answer's events, without silences.
    public func stream(_ request: MessagesRequest) async throws(UpstreamFailure) -> MessageEventStream {
        try await stream(request, heartbeat: nil)
    }

    /// Streams the request and folds the events into one message: the non-streaming answer.
    /// A mid-stream failure is thrown as an ``UpstreamFailure``.
    public func complete(_ request: MessagesRequest) async throws(UpstreamFailure) -> MessagesResponse {
        try await stream(request).collect()
    }
}

extension MessageEventStream {
    /// Folds the events into one message: the non-streaming answer. A mid-stream failure is
    /// thrown as an ``UpstreamFailure``.
    public func collect() async throws(UpstreamFailure) -> MessagesResponse {
        let events = self
        var accumulator = MessageAccumulator()
        for await event in events {
            accumulator.apply(event)
        }
        if let error = accumulator.error {
            throw UpstreamFailure(error)
        }
        guard let message = accumulator.message else {
            throw UpstreamFailure(APIError(.api, "The upstream stream ended before any message started."))
        }
        return message
    }
}
