import ClaudeAPI
import Foundation
import Hummingbird
import Upstream

extension APIError {
    /// The error as an HTTP response with the Anthropic error body.
    func response(retryAfter: Int? = nil, status: Int? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = (try? JSONEncoder().encode(ErrorResponse(error: self))) ?? Data(#"{"type":"error","error":{"type":"api_error","message":"error"}}"#.utf8)
        return Response(
            status: HTTPResponse.Status(code: status ?? type.httpStatus),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension UpstreamFailure {
    /// The error response, with the failure's status and `retry-after`.
    func response() -> Response {
        error.response(retryAfter: retryAfter, status: status)
    }
}

/// A JSON response with status 200.
func jsonResponse(_ value: some Encodable, encoder: JSONEncoder) -> Response {
    guard let data = try? encoder.encode(value) else {
        return APIError(.api, "The response could not be encoded.").response()
    }
    return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}

/// A folded message as a 200 JSON response, written by the fast JSON writer (a Foundation
/// `JSONEncoder` costs more than the rest of a small request); `encoder` for what it cannot write.
func messageResponse(_ message: MessagesResponse, encoder: JSONEncoder) -> Response {
    var writer = JSONWriter(capacity: 1024, escapesSlashes: false)
    message.write(to: &writer)
    guard !writer.failed else { return jsonResponse(message, encoder: encoder) }
    return Response(
        status: .ok, headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
}
