/// Anthropic's error codes for the server tools, as `web_search_tool_result_error` and
/// `web_fetch_tool_result_error` carry them, with a message for logs and for the model.
public struct WebToolError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case invalidToolInput = "invalid_tool_input"
        case unavailable
        case maxUsesExceeded = "max_uses_exceeded"
        case tooManyRequests = "too_many_requests"
        case queryTooLong = "query_too_long"
        case urlTooLong = "url_too_long"
        case urlNotAllowed = "url_not_allowed"
        case urlNotAccessible = "url_not_accessible"
        case unsupportedContentType = "unsupported_content_type"
        case contentTooLarge = "content_too_large"
    }

    public var code: Code
    /// Says what happened; never holds a key.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
