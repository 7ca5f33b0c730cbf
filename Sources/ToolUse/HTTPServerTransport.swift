import AsyncHTTPClient
import Foundation
import Logging
import MCP
import NIOCore
import NIOPosix
import ServerSentEvents

/// The client side of MCP's Streamable HTTP transport (2025-03-26, 2025-06-18), on
/// AsyncHTTPClient: the SDK's own `HTTPClientTransport` uses FoundationNetworking, which cannot
/// read an event stream incrementally on Linux.
///
/// Every message is a POST of its JSON with the entry's headers; the answer is one JSON
/// message (or batch), a stream of server-sent events (each event one message, read as it
/// comes), or `202 Accepted` for notifications and responses. The session id from the
/// `initialize` answer and the negotiated protocol version go on every later request; a
/// `DELETE` ends the session on disconnect.
///
/// The optional GET stream for messages the server starts on its own is not opened: the
/// toolbox only calls tools, and every answer it needs comes on the POST of its request.
actor HTTPServerTransport: Transport {
    nonisolated let logger: Logger
    /// Where requests go (after `${VAR}` expansion).
    private let url: String
    /// What messages show (as configured, without query or user info).
    nonisolated let shownURL: String
    private let headers: [(name: String, value: String)]
    private let http: HTTPClient
    /// The longest a request may wait for the head of its answer.
    private let deadline: Double
    private var session = StreamableHTTPSession()
    private var connected = false
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    /// POSTs in flight, by request id (a cancellation notification ends its request's POST).
    private var inFlight: [String: Task<Void, any Error>] = [:]
    /// Set when the session is over (expired, or the server cannot be reached any more).
    let ended = ExitWatch()

    /// The largest message (a JSON body, or one event) that is read.
    static let maxMessageBytes = 16 << 20
    /// The most of an error answer's body that is read, for its JSON-RPC error message.
    static let maxErrorBodyBytes = 64 << 10
    static let deleteDeadline = 3.0

    /// Checks the entry's headers (names only in any error) and prepares the transport.
    init(
        url: String, shownURL: String, headers: [String: String], http: HTTPClient, deadline: Double, logger: Logger?
    ) throws(HTTPTransportError) {
        let shown = HTTPTransportError.displayURL(shownURL)
        var checked: [(name: String, value: String)] = []
        for name in headers.keys.sorted() {
            let value = headers[name] ?? ""
            guard HTTPHeaderCheck.isValidName(name), HTTPHeaderCheck.isValidValue(value) else {
                throw HTTPTransportError(url: shown, .badHeader(name: name))
            }
            checked.append((name, value))
        }
        self.url = url
        self.shownURL = shown
        self.headers = checked
        self.http = http
        self.deadline = deadline
        self.logger = logger ?? Logger(label: "mcp.transport.http", factory: { _ in SwiftLogNoOpLogHandler() })
        (messages, continuation) = AsyncThrowingStream.makeStream(of: Data.self, throwing: (any Error).self)
    }

    func connect() async throws {
        connected = true
    }

    /// Ends the POSTs in flight, then the session (`DELETE`, answer not awaited long).
    func disconnect() async {
        guard connected else { return }
        connected = false
        for task in inFlight.values { task.cancel() }
        inFlight = [:]
        if let protocolHeaders = session.deleteHeaders, ended.status == nil {
            var request = HTTPClientRequest(url: url)
            request.method = .DELETE
            for header in headers { request.headers.add(name: header.name, value: header.value) }
            for header in protocolHeaders { request.headers.replaceOrAdd(name: header.name, value: header.value) }
            // A server may refuse (405) or be gone: the session ends here either way.
            if let response = try? await http.execute(request, timeout: SharedHTTPClient.amount(Self.deleteDeadline)) {
                _ = try? await response.body.collect(upTo: Self.maxErrorBodyBytes)
            }
        }
        continuation.finish()
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }

    /// POSTs one message and reads its answer; the messages in it go to ``receive()``.
    /// Throws ``HTTPTransportError`` (or `CancellationError`).
    func send(_ data: Data) async throws {
        guard connected else { throw HTTPTransportError(url: shownURL, .closed) }
        let message = JSONRPCPeek(data)
        if let cancelled = message?.cancelledID, let task = inFlight[cancelled] {
            task.cancel()
        }
        session.sending(message)
        let key = message?.requestIDs.first ?? "post:" + UUID().uuidString
        let task = Task { try await self.post(data, message) }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        do {
            try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch let error as HTTPTransportError {
            if error.endsSession, ended.status == nil {
                logger.debug("MCP HTTP session ended", metadata: ["url": "\(shownURL)"])
                ended.finish(error.description)
            }
            throw error
        }
    }

    private func post(_ data: Data, _ message: JSONRPCPeek?) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        let protocolHeaders = session.headers(for: message)
        for header in protocolHeaders { request.headers.replaceOrAdd(name: header.name, value: header.value) }
        let sentSessionID = protocolHeaders.contains { $0.name == "Mcp-Session-Id" }
        request.body = .bytes(ByteBuffer(bytes: data))
        do {
            let response = try await http.execute(request, timeout: SharedHTTPClient.amount(deadline))
            let status = Int(response.status.code)
            var detail: String?
            if !(200..<300).contains(status) {
                detail = StreamableHTTPSession.errorDetail(try await Self.read(response.body, limit: Self.maxErrorBodyBytes, failing: false))
            }
            let answer = try session.answered(
                message, status: status, contentType: response.headers.first(name: "content-type"),
                sessionIDHeader: response.headers.first(name: "mcp-session-id"), sentSessionID: sentSessionID,
                url: shownURL, errorDetail: detail)
            var pending = Set(message?.requestIDs ?? [])
            switch answer {
            case .accepted:
                _ = try await Self.read(response.body, limit: Self.maxErrorBodyBytes, failing: false)
            case .json:
                let body = try await Self.read(response.body, limit: Self.maxMessageBytes, failing: true, url: shownURL)
                // An empty body answers a notification or response well enough.
                if !body.isEmpty || !pending.isEmpty { try deliver(Data(body), pending: &pending) }
            case .eventStream:
                try await readEvents(response.body, pending: &pending)
            }
            try Task.checkCancellation()
            if !pending.isEmpty { throw HTTPTransportError(url: shownURL, .streamEnded) }
        } catch let error as HTTPTransportError {
            throw error
        } catch {
            throw Self.failure(error, url: shownURL, deadline: deadline)
        }
    }

    /// Reads events until every request of the POST has its answer (the server should then end
    /// the stream) or the stream ends.
    private func readEvents(_ body: HTTPClientResponse.Body, pending: inout Set<String>) async throws {
        var decoder = SSEDecoder()
        var undelivered = 0
        let awaitsAnswers = !pending.isEmpty
        for try await buffer in body {
            let events = decoder.push(buffer.readableBytesView)
            undelivered = events.isEmpty ? undelivered + buffer.readableBytes : 0
            if undelivered > Self.maxMessageBytes { throw HTTPTransportError(url: shownURL, .tooLarge(limit: Self.maxMessageBytes)) }
            try deliver(events, pending: &pending)
            if awaitsAnswers && pending.isEmpty { return }
        }
        try deliver(decoder.finish(), pending: &pending)
    }

    private func deliver(_ events: [SSEDecoder.Event], pending: inout Set<String>) throws(HTTPTransportError) {
        // Events named otherwise are not MCP messages; an empty one only primes a resumable stream.
        for event in events where (event.event ?? "message") == "message" && !event.data.isEmpty {
            try deliver(Data(event.data.utf8), pending: &pending)
        }
    }

    private func deliver(_ data: Data, pending: inout Set<String>) throws(HTTPTransportError) {
        guard let message = JSONRPCPeek(data) else { throw HTTPTransportError(url: shownURL, .notJSONRPC) }
        session.received(message)
        for id in message.responseIDs { pending.remove(id) }
        continuation.yield(data)
    }

    /// At most `limit` bytes of `body`; more is an error when `failing`, else dropped.
    static func read(_ body: HTTPClientResponse.Body, limit: Int, failing: Bool, url: String = "") async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await buffer in body {
            if bytes.count + buffer.readableBytes > limit {
                if failing { throw HTTPTransportError(url: url, .tooLarge(limit: limit)) }
                bytes.append(contentsOf: buffer.readableBytesView.prefix(limit - bytes.count))
                break
            }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return bytes
    }

    /// BoringSSL's reason (`...:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /path...`) as
    /// words (`certificate verify failed`); other TLS errors as one line.
    static func tlsReason(_ text: String) -> String {
        if let marker = text.range(of: "OPENSSL_internal:") {
            let code = text[marker.upperBound...].prefix { $0.isUppercase || $0.isNumber || $0 == "_" }
            if !code.isEmpty { return code.lowercased().replacingOccurrences(of: "_", with: " ") }
        }
        return HTTPTransportError.oneLine(text, limit: 200)
    }

    /// An error of the HTTP client as one line (never a header value).
    static func failure(_ error: any Error, url: String, deadline: Double) -> any Error {
        switch error {
        case is CancellationError:
            return error
        case let error as HTTPTransportError:
            return error
        case let error as HTTPClientError:
            if error == .cancelled { return CancellationError() }
            if error == .deadlineExceeded || error == .readTimeout { return HTTPTransportError(url: url, .stalled(seconds: deadline)) }
            if error == .connectTimeout { return HTTPTransportError(url: url, .unreachable("no connection within the connect timeout")) }
            if error == .remoteConnectionClosed { return HTTPTransportError(url: url, .unreachable("the server closed the connection")) }
            return HTTPTransportError(url: url, .unreachable(HTTPTransportError.oneLine("\(error)", limit: 200)))
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return failure(first.error, url: url, deadline: deadline) }
            let resolved = error.dnsAError == nil && error.dnsAAAAError == nil
            return HTTPTransportError(url: url, .unreachable(resolved ? "cannot connect" : "cannot resolve \(error.host)"))
        case let error as IOError:
            return HTTPTransportError(url: url, .unreachable(String(cString: strerror(error.errnoCode)).lowercased()))
        default:
            let text = HTTPTransportError.oneLine("\(error)", limit: 200)
            // NIOSSL's errors (a handshake that failed, a certificate that does not verify).
            if String(reflecting: type(of: error)).hasPrefix("NIOSSL") { return HTTPTransportError(url: url, .tls(tlsReason("\(error)"))) }
            return HTTPTransportError(url: url, .unreachable(text))
        }
    }
}
