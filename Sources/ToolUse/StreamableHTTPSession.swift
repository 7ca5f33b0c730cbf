import Foundation

/// The client side of one Streamable HTTP session (MCP 2025-03-26 and later), as a value: which
/// headers a POST carries, what an answer's status and content type mean, and what the session
/// learns from answers (its id, the negotiated protocol version). No I/O.
struct StreamableHTTPSession: Sendable, Hashable {
    /// `Mcp-Session-Id` from the answer to `initialize`, sent on every later request.
    private(set) var sessionID: String?
    /// The version the server chose in its `initialize` answer, sent as `MCP-Protocol-Version`.
    private(set) var protocolVersion: String?
    /// The id of the `initialize` request in flight.
    private var initializeID: String?

    /// How an answer is read.
    enum Answer: Sendable, Hashable {
        /// Nothing to read (a notification or response was accepted).
        case accepted
        /// One JSON-RPC message or batch in the body.
        case json
        /// Server-sent events, each one message.
        case eventStream
    }

    static let jsonType = "application/json"
    static let eventStreamType = "text/event-stream"

    /// The protocol headers of a POST carrying `message` (the entry's own headers come first).
    func headers(for message: JSONRPCPeek?) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", Self.jsonType),
            ("Accept", "\(Self.jsonType), \(Self.eventStreamType)"),
        ]
        // A new `initialize` starts a session: it carries neither.
        if message?.method == "initialize" { return headers }
        if let sessionID { headers.append(("Mcp-Session-Id", sessionID)) }
        if let protocolVersion { headers.append(("MCP-Protocol-Version", protocolVersion)) }
        return headers
    }

    /// The headers of the `DELETE` that ends the session, or `nil` when there is no session.
    var deleteHeaders: [(name: String, value: String)]? {
        guard let sessionID else { return nil }
        var headers: [(name: String, value: String)] = [("Mcp-Session-Id", sessionID)]
        if let protocolVersion { headers.append(("MCP-Protocol-Version", protocolVersion)) }
        return headers
    }

    /// Notes a message about to be sent.
    mutating func sending(_ message: JSONRPCPeek?) {
        if case .request(let id, "initialize")? = message?.kind {
            initializeID = id
            sessionID = nil
            protocolVersion = nil
        }
    }

    /// Reads the status and headers of the answer to `message`: how to read its body, or why
    /// there is nothing usable. `sentSessionID` is whether the POST carried a session id;
    /// `errorDetail` the message of the JSON-RPC error body of an error status.
    mutating func answered(
        _ message: JSONRPCPeek?, status: Int, contentType: String?, sessionIDHeader: String?, sentSessionID: Bool, url: String,
        errorDetail: String? = nil
    ) throws(HTTPTransportError) -> Answer {
        let isRequest = !(message?.requestIDs.isEmpty ?? true)
        guard (200..<300).contains(status) else {
            if status == 404 && sentSessionID { throw HTTPTransportError(url: url, .sessionExpired) }
            if status == 401 || status == 403 { throw HTTPTransportError(url: url, .unauthorized(status: status)) }
            throw HTTPTransportError(url: url, .status(status, detail: errorDetail))
        }
        if message?.method == "initialize", let sessionIDHeader {
            guard Self.isVisibleASCII(sessionIDHeader) else { throw HTTPTransportError(url: url, .badSessionID) }
            sessionID = sessionIDHeader
        }
        // 202 to a notification or response, whatever its (empty) body claims to be.
        if status == 202 && !isRequest { return .accepted }
        let type = Self.mediaType(contentType)
        switch type {
        case Self.jsonType: return .json
        case Self.eventStreamType: return .eventStream
        case "" where !isRequest: return .accepted
        default:
            if status == 202 || status == 204 || type.isEmpty {
                if isRequest { throw HTTPTransportError(url: url, .noAnswer(status: status)) }
                return .accepted
            }
            throw HTTPTransportError(url: url, .notMCP(contentType: contentType ?? ""))
        }
    }

    /// Notes a message received: the answer to `initialize` fixes the protocol version.
    mutating func received(_ message: JSONRPCPeek) {
        guard let initializeID, message.responseIDs.contains(initializeID) else { return }
        self.initializeID = nil
        if let version = message.protocolVersion, Self.isVisibleASCII(version) { protocolVersion = version }
    }

    /// `application/json; charset=utf-8` is `application/json`.
    static func mediaType(_ contentType: String?) -> String {
        guard let contentType else { return "" }
        let base = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return base.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// A session id is visible ASCII (0x21 to 0x7E), as the specification requires.
    static func isVisibleASCII(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }

    /// The message of a JSON-RPC error body that came with an error status, made one line.
    static func errorDetail(_ body: [UInt8]) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
              let error = object["error"] as? [String: Any], let message = error["message"] as? String, !message.isEmpty
        else { return nil }
        return HTTPTransportError.oneLine(message, limit: 200)
    }
}

/// Header names and values of a configuration entry that can go on the wire unchanged.
enum HTTPHeaderCheck {
    /// A token (RFC 9110 5.6.2).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            default:
                return "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }

    /// No control characters but tab (so no line breaks that would split the header).
    static func isValidValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }
}
