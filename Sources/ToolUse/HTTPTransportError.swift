/// Why a message to an HTTP MCP server got no usable answer, as one line that names the URL
/// (as written in the configuration, without its query) and never a header value.
struct HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        /// A 404 to a request that carried the session id: the server forgot the session.
        case sessionExpired
        /// 401 or 403.
        case unauthorized(status: Int)
        /// Any other status that is not a success; `detail` is the JSON-RPC error's message, if any.
        case status(Int, detail: String?)
        /// A success whose content type is neither JSON nor an event stream.
        case notMCP(contentType: String)
        /// A body (or event) that is not a JSON-RPC message.
        case notJSONRPC
        /// `202 Accepted` (or another empty success) to a request, which needs an answer.
        case noAnswer(status: Int)
        /// The response stream ended before the request's answer came.
        case streamEnded
        /// A message larger than the limit.
        case tooLarge(limit: Int)
        /// The connection could not be made, or broke; the reason is the system's.
        case unreachable(String)
        case tls(String)
        /// No complete answer within the request's deadline.
        case stalled(seconds: Double)
        /// A header of the entry that cannot be sent (its name only).
        case badHeader(name: String)
        /// The session id the server gave cannot be sent back.
        case badSessionID
        /// The transport was disconnected.
        case closed
    }

    var url: String
    var kind: Kind

    init(url: String, _ kind: Kind) {
        self.url = url
        self.kind = kind
    }

    /// The server is gone for this session: it is marked and started again with the next prompt.
    var endsSession: Bool {
        switch kind {
        case .sessionExpired, .unreachable, .tls: return true
        default: return false
        }
    }

    var description: String {
        switch kind {
        case .sessionExpired:
            return "its session expired (\(url) answered 404 Not Found to the session id)"
        case .unauthorized(let status):
            return "\(url) answered HTTP \(status) \(Self.reason(status)): check the \"headers\" of its entry (an Authorization header or key)"
        case .status(let status, let detail):
            let reason = Self.reason(status)
            let redirect = (300..<400).contains(status) ? " (redirects are not followed: use the final URL)" : ""
            return "\(url) answered HTTP \(status)" + (reason.isEmpty ? "" : " \(reason)") + redirect + (detail.map { ": \($0)" } ?? "")
        case .notMCP(let contentType):
            let shown = contentType.isEmpty ? "no content type" : Self.oneLine(contentType, limit: 80)
            return "\(url) answered with \(shown), not MCP (application/json or text/event-stream)"
        case .notJSONRPC:
            return "\(url) answered with a body that is not a JSON-RPC message"
        case .noAnswer(let status):
            return "\(url) answered HTTP \(status) to a request, without its answer"
        case .streamEnded:
            return "\(url) ended its event stream before the answer"
        case .tooLarge(let limit):
            return "\(url) sent a message larger than \(limit / (1 << 20)) MiB"
        case .unreachable(let reason):
            return "cannot reach \(url): \(reason)"
        case .tls(let reason):
            return "TLS with \(url) failed: \(reason)"
        case .stalled(let seconds):
            return "\(url) gave no complete answer within \(MCPToolError.format(seconds)) s"
        case .badHeader(let name):
            return "the header \"\(Self.oneLine(name, limit: 80))\" of its entry cannot be sent (an invalid name, or a line break or control character in its value)"
        case .badSessionID:
            return "\(url) gave a session id that cannot be sent back (not visible ASCII)"
        case .closed:
            return "the connection to \(url) is closed"
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }

    /// Text from the server, made safe for one line of the terminal.
    static func oneLine(_ text: String, limit: Int) -> String {
        let cleaned = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }

    /// The URL to show: as written in the configuration (before `${VAR}` expansion), without
    /// its query, fragment or user info, which may carry a key.
    static func displayURL(_ raw: String) -> String {
        let end = raw.firstIndex { $0 == "?" || $0 == "#" } ?? raw.endIndex
        var shown = raw[..<end]
        // `user:password@` goes too.
        if let scheme = shown.range(of: "://") {
            let authorityEnd = shown[scheme.upperBound...].firstIndex(of: "/") ?? shown.endIndex
            if let at = shown[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
                shown = shown[..<scheme.upperBound] + shown[shown.index(after: at)...]
            }
        }
        return String(shown)
    }
}
