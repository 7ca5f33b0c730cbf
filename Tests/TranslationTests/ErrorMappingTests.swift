import ClaudeAPI
import Foundation
import Testing
@testable import Translation

/// Upstream failures -> Claude errors (PROTOCOL section 5).
@Suite("ErrorMapping (PROTOCOL 5)")
struct ErrorMappingTests {
    let openAIShape = Array(#"{"error":{"message":"Something specific went wrong","type":"invalid_request_error","code":"bad"}}"#.utf8)

    func map(_ status: Int, _ body: [UInt8]? = nil, model: String = "zai-org/GLM-4.7-FP8", secrets: [String] = []) -> APIError {
        ErrorMapping.map(status: status, body: body ?? openAIShape, model: model, secrets: secrets)
    }

    @Test("5 status -> error type and client status", arguments: [
        (400, APIErrorType.invalidRequest, 400), (422, .invalidRequest, 400), (401, .authentication, 401),
        (402, .billing, 402), (403, .permission, 403), (404, .notFound, 404), (413, .requestTooLarge, 413),
        (429, .rateLimit, 429), (500, .api, 500), (502, .api, 500), (503, .overloaded, 529), (504, .timeout, 504),
        (408, .timeout, 504), (418, .invalidRequest, 400), (599, .api, 500),
    ] as [(Int, APIErrorType, Int)])
    func statuses(upstream: Int, type: APIErrorType, client: Int) {
        let e = map(upstream)
        #expect(e.type == type)
        #expect(e.type.httpStatus == client)
    }

    @Test("5 400/422 keep the upstream message (it names the bad field)")
    func keepsMessage() {
        #expect(map(400).message.contains("Something specific went wrong"))
        #expect(map(422).message.contains("Something specific went wrong"))
    }

    @Test("5 401/403 say the Nebius key was refused")
    func auth() {
        for status in [401, 403] {
            let m = map(status).message
            #expect(m.contains("Nebius"))
            #expect(m.contains("refused"))
        }
    }

    @Test("5 404 names the model and hints at listing models")
    func notFound() {
        let m = map(404, Array(#"{"detail":"Model not found"}"#.utf8), model: "retired/Model-X").message
        #expect(m.contains("retired/Model-X"))
        #expect(m.contains("models"))
        #expect(m.contains("Model not found"))
    }

    @Test("5 connect failure: api_error naming the base URL; timeout: timeout_error")
    func connectAndTimeout() {
        let c = ErrorMapping.connectFailure(baseURL: "https://api.tokenfactory.nebius.com/v1", reason: "connection refused")
        #expect(c.type == .api)
        #expect(c.message.contains("https://api.tokenfactory.nebius.com/v1"))
        let t = ErrorMapping.timeout(seconds: 120, midStream: false)
        #expect(t.type == .timeout)
        #expect(t.message.contains("120"))
        #expect(ErrorMapping.timeout(seconds: 2.5, midStream: true).message.contains("2.5"))
    }

    @Test("5 the three upstream body shapes are parsed")
    func bodyShapes() {
        #expect(ErrorMapping.upstreamMessage(Array(#"{"error":{"message":"m1","type":"t","code":"c"}}"#.utf8)) == "m1")
        #expect(ErrorMapping.upstreamMessage(Array(#"{"object":"error","message":"m2","type":"NotFoundError","code":404}"#.utf8)) == "m2")
        #expect(ErrorMapping.upstreamMessage(Array(#"{"detail":[{"loc":["body","messages",1,"content"],"msg":"field required","type":"missing"}]}"#.utf8))
            == "body.messages.1.content: field required")
        #expect(ErrorMapping.upstreamMessage(Array(#"{"detail":"Not authenticated"}"#.utf8)) == "Not authenticated")
        #expect(ErrorMapping.upstreamMessage(Array(#"{"error":"plain string"}"#.utf8)) == "plain string")
        #expect(ErrorMapping.upstreamMessage(Array("<html>Bad Gateway</html>".utf8)) == "<html>Bad Gateway</html>")
        #expect(ErrorMapping.upstreamMessage([]) == nil)
        #expect(ErrorMapping.upstreamMessage(Array("   ".utf8)) == nil)
    }

    @Test("5/8.1 real llama.cpp context overflow (HTTP 400): Anthropic's overflow wording, not the upstream's")
    func contextOverflowFixture() throws {
        let (status, body) = try Fixtures.upstreamError("llamacpp-context-overflow.txt")
        #expect(status == 400)
        let e = map(status, body)
        #expect(e.type == .invalidRequest)
        #expect(e.message == "prompt is too long: 6031 tokens > 4096 maximum")
        // The message is still read from the body for other uses.
        #expect(ErrorMapping.upstreamMessage(body)?.contains("maximum context length is 4096 tokens") == true)
    }

    @Test("5 real llama.cpp validation failure (HTTP 500) -> api_error with the message")
    func contentNullFixture() throws {
        let (status, body) = try Fixtures.upstreamError("llamacpp-content-null-rejected.txt")
        #expect(status == 500)
        let e = map(status, body)
        #expect(e.type == .api)
        #expect(e.type.httpStatus == 500)
        #expect(e.message.contains("7 validation errors"))
    }

    @Test("5 long upstream messages are truncated")
    func truncated() {
        let long = String(repeating: "x", count: 5000)
        let e = map(400, Array(#"{"error":{"message":"\#(long)"}}"#.utf8))
        #expect(e.message.count < 1000)
    }

    @Test("5 secrets echoed by the upstream are redacted")
    func redaction() {
        let key = "v1.CmQKHHN0YXRpY2tleS1lMDB4eXo"
        let body = Array(#"{"error":{"message":"Invalid API key \#(key) for https://x"}}"#.utf8)
        for status in [400, 401, 403, 404, 429, 500] {
            let e = map(status, body, secrets: [key, "", "abc"])
            #expect(!e.message.contains(key))
            #expect(e.message.contains("[redacted]"))
        }
    }

    @Test("4.9 error frames mid-stream map to a typed error", arguments: [
        (#"{"message":"Server overloaded","type":"overloaded_error"}"#, APIErrorType.overloaded),
        (#"{"message":"busy","code":503}"#, .overloaded),
        (#"{"message":"slow down","type":"rate_limit_exceeded","code":429}"#, .rateLimit),
        (#"{"message":"context too long","type":"invalid_request_error"}"#, .invalidRequest),
        (#"{"message":"boom"}"#, .api),
        (#""just a string""#, .api),
    ])
    func streamErrors(json: String, type: APIErrorType) throws {
        let value = try #require(JSONValue(parsing: json))
        let e = ErrorMapping.streamError(value)
        #expect(e.type == type)
        #expect(e.message.contains(value["message"]?.stringValue ?? value.stringValue ?? "?"))
    }
}
