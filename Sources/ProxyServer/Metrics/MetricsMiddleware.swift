import Hummingbird

/// Counts, for `/metrics`, every request that no endpoint records itself: other routes, and
/// requests the client key turned away. It runs the ``ClientAuthenticator`` (when a key is
/// set), so that it knows whether a request got past it.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = ProxyRequestContext
    let metrics: ProxyMetrics
    let authenticator: ClientAuthenticator?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = MetricRoute(path: request.uri.path)
        var admitted = false
        do {
            let response: Response
            if let authenticator {
                response = try await authenticator.handle(request, context: context) { request, context in
                    admitted = true
                    return try await next(request, context)
                }
            } else {
                admitted = true
                response = try await next(request, context)
            }
            if !(admitted && route.recordsItself) { metrics.count(route, status: Int(response.status.code)) }
            return response
        } catch {
            // Not found, method not allowed: thrown, answered by Hummingbird.
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            if !(admitted && route.recordsItself) { metrics.count(route, status: status) }
            throw error
        }
    }
}
