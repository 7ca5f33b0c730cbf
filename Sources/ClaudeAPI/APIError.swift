/// The error types of the Messages API, each with its HTTP status.
public enum APIErrorType: String, Sendable, Hashable, Codable, CaseIterable {
    case invalidRequest = "invalid_request_error"
    case authentication = "authentication_error"
    case billing = "billing_error"
    case permission = "permission_error"
    case notFound = "not_found_error"
    case requestTooLarge = "request_too_large"
    case rateLimit = "rate_limit_error"
    case api = "api_error"
    case timeout = "timeout_error"
    case overloaded = "overloaded_error"

    /// The HTTP status Anthropic answers with for this error type.
    public var httpStatus: Int {
        switch self {
        case .invalidRequest: return 400
        case .authentication: return 401
        case .billing: return 402
        case .permission: return 403
        case .notFound: return 404
        case .requestTooLarge: return 413
        case .rateLimit: return 429
        case .api: return 500
        case .timeout: return 504
        case .overloaded: return 529
        }
    }
}

/// `{"type": T, "message": M}`: the inner object of an error body and of an `error` event.
public struct APIError: Error, Sendable, Hashable, Codable {
    public var type: APIErrorType
    public var message: String

    public init(_ type: APIErrorType, _ message: String) {
        self.type = type
        self.message = message
    }
}

/// The whole error body: `{"type":"error","error":{"type":T,"message":M}}`.
public struct ErrorResponse: Sendable, Hashable, Codable {
    public var type: String = "error"
    public var error: APIError
    public init(error: APIError) { self.error = error }
}
