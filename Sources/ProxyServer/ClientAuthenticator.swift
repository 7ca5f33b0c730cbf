import ClaudeAPI
import HTTPTypes
import Hummingbird

/// Requires the client key (`ANTHROPIC_API_KEY`) as `x-api-key` or `Authorization: Bearer`.
/// Health checks pass without it.
struct ClientAuthenticator: RouterMiddleware {
    typealias Context = ProxyRequestContext
    let expectedKey: [UInt8]

    init(key: String) {
        self.expectedKey = Array(key.utf8)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/health" || path == "/" { return try await next(request, context) }
        if let presented = Self.presentedKey(request.headers), constantTimeEquals(Array(presented.utf8), expectedKey) {
            return try await next(request, context)
        }
        let message = Self.presentedKey(request.headers) == nil
            ? "No API key: send the key set in ANTHROPIC_API_KEY on the server as x-api-key or Authorization: Bearer."
            : "Invalid API key: it does not match ANTHROPIC_API_KEY on the server."
        return APIError(.authentication, message).response()
    }

    static func presentedKey(_ headers: HTTPFields) -> String? {
        if let key = headers[apiKeyHeader], !key.isEmpty { return key }
        if let auth = headers[.authorization] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
        }
        return nil
    }
}

/// Compares without an early exit, so response time does not reveal how much of a key matched.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
    for i in 0..<max(a.count, b.count) {
        let x = i < a.count ? a[i] : 0
        let y = i < b.count ? b[i] : 0
        difference |= x ^ y
    }
    return difference == 0
}

// A valid header name literal; the initializer fails only on characters it does not contain.
private let apiKeyHeader = HTTPField.Name("x-api-key")!
