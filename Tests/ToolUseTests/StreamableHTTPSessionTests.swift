import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
@testable import ToolUse

/// The Streamable HTTP session as a value: headers, answers, what it learns. No I/O.
@Suite struct StreamableHTTPSessionTests {
    let url = "http://127.0.0.1:8/mcp"

    func peek(_ json: String) -> JSONRPCPeek? { JSONRPCPeek(Data(json.utf8)) }

    var initialize: JSONRPCPeek? { peek(#"{"jsonrpc":"2.0","id":"i1","method":"initialize","params":{}}"#) }
    var listTools: JSONRPCPeek? { peek(#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#) }
    var initialized: JSONRPCPeek? { peek(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) }

    func names(_ headers: [(name: String, value: String)]) -> [String: String] {
        Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    @Test func theSessionIDAndNegotiatedVersionGoOnEveryRequestAfterInitialize() throws {
        var session = StreamableHTTPSession()
        session.sending(initialize)
        let first = names(session.headers(for: initialize))
        #expect(first == ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"])
        #expect(session.deleteHeaders == nil)

        let answer = try session.answered(
            initialize, status: 200, contentType: "text/event-stream", sessionIDHeader: "abc-123", sentSessionID: false, url: url)
        #expect(answer == .eventStream)
        #expect(session.sessionID == "abc-123")
        // Until the answer to initialize is read, no version is known.
        #expect(names(session.headers(for: initialized))["MCP-Protocol-Version"] == nil)
        let reply = try #require(peek(#"{"jsonrpc":"2.0","id":"i1","result":{"protocolVersion":"2025-06-18","capabilities":{}}}"#))
        session.received(reply)
        #expect(session.protocolVersion == "2025-06-18")

        for message in [initialized, listTools] {
            let headers = names(session.headers(for: message))
            #expect(headers["Mcp-Session-Id"] == "abc-123")
            #expect(headers["MCP-Protocol-Version"] == "2025-06-18")
        }
        #expect(session.deleteHeaders.map(names) == ["Mcp-Session-Id": "abc-123", "MCP-Protocol-Version": "2025-06-18"])

        // A later answer with another id (or another message's version) changes nothing.
        _ = try session.answered(listTools, status: 200, contentType: "application/json", sessionIDHeader: "other", sentSessionID: true, url: url)
        session.received(try #require(peek(#"{"jsonrpc":"2.0","id":2,"result":{"protocolVersion":"1999-01-01","tools":[]}}"#)))
        #expect(session.sessionID == "abc-123" && session.protocolVersion == "2025-06-18")

        // A new initialize starts over, without the old session's headers.
        session.sending(initialize)
        #expect(names(session.headers(for: initialize))["Mcp-Session-Id"] == nil)
        #expect(session.sessionID == nil && session.protocolVersion == nil)
    }

    @Test func aServerWithoutSessionsGetsNoSessionHeader() throws {
        var session = StreamableHTTPSession()
        session.sending(initialize)
        _ = try session.answered(initialize, status: 200, contentType: "application/json", sessionIDHeader: nil, sentSessionID: false, url: url)
        #expect(names(session.headers(for: listTools))["Mcp-Session-Id"] == nil)
        #expect(session.deleteHeaders == nil)
    }

    @Test func statusesAndContentTypesAreClassified() {
        func classify(_ message: JSONRPCPeek?, _ status: Int, _ type: String?, sent: Bool = true) -> Result<StreamableHTTPSession.Answer, HTTPTransportError> {
            var session = StreamableHTTPSession()
            do {
                return .success(try session.answered(message, status: status, contentType: type, sessionIDHeader: nil, sentSessionID: sent, url: url))
            } catch {
                return .failure(error)
            }
        }
        let e = { (kind: HTTPTransportError.Kind) in Result<StreamableHTTPSession.Answer, HTTPTransportError>.failure(HTTPTransportError(url: url, kind)) }
        #expect(classify(listTools, 200, "application/json; charset=utf-8") == .success(.json))
        #expect(classify(listTools, 200, "Text/Event-Stream") == .success(.eventStream))
        #expect(classify(initialized, 202, nil) == .success(.accepted))
        #expect(classify(initialized, 202, "application/json") == .success(.accepted))
        #expect(classify(initialized, 200, nil) == .success(.accepted))
        #expect(classify(listTools, 202, nil) == e(.noAnswer(status: 202)))
        #expect(classify(listTools, 200, "text/html") == e(.notMCP(contentType: "text/html")))
        #expect(classify(listTools, 200, nil) == e(.noAnswer(status: 200)))
        #expect(classify(listTools, 404, "application/json", sent: true) == e(.sessionExpired))
        #expect(classify(listTools, 404, "application/json", sent: false) == e(.status(404, detail: nil)))
        #expect(classify(listTools, 401, nil) == e(.unauthorized(status: 401)))
        #expect(classify(listTools, 403, nil) == e(.unauthorized(status: 403)))
        #expect(classify(listTools, 500, "text/plain") == e(.status(500, detail: nil)))
        #expect(classify(listTools, 307, nil) == e(.status(307, detail: nil)))
    }

    @Test func aSessionIDThatCannotBeSentBackIsRefused() {
        var session = StreamableHTTPSession()
        session.sending(initialize)
        #expect(throws: HTTPTransportError(url: url, .badSessionID)) {
            _ = try session.answered(
                initialize, status: 200, contentType: "application/json", sessionIDHeader: "bad id\r\nX: y", sentSessionID: false, url: url)
        }
        #expect(session.sessionID == nil)
    }

    @Test func theServersErrorMessageIsKeptOnOneLine() {
        let body = Array(#"{"jsonrpc":"2.0","id":"server-error","error":{"code":-32600,"message":"Bad Request:\nno session"}}"#.utf8)
        #expect(StreamableHTTPSession.errorDetail(body) == "Bad Request: no session")
        #expect(StreamableHTTPSession.errorDetail(Array("<html>oops</html>".utf8)) == nil)
        #expect(StreamableHTTPSession.errorDetail([]) == nil)
    }
}

@Suite struct JSONRPCPeekTests {
    func peek(_ json: String) -> JSONRPCPeek? { JSONRPCPeek(Data(json.utf8)) }

    @Test func requestsNotificationsResponsesAndBatchesAreTold() {
        #expect(peek(#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{}}"#)?.kind == .request(id: "n:7", method: "tools/call"))
        #expect(peek(#"{"jsonrpc":"2.0","id":"7","method":"ping"}"#)?.kind == .request(id: "s:7", method: "ping"))
        #expect(peek(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)?.kind == .notification(method: "notifications/initialized"))
        #expect(peek(#"{"jsonrpc":"2.0","id":"a","result":{}}"#)?.kind == .response(id: "s:a"))
        #expect(peek(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"x"}}"#)?.kind == .response(id: "null"))
        let batch = peek(#"[{"jsonrpc":"2.0","id":1,"result":{}},{"jsonrpc":"2.0","id":"q","method":"ping"}]"#)
        #expect(batch?.responseIDs == ["n:1"] && batch?.requestIDs == ["s:q"])
        let cancel = peek(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r9","reason":"x"}}"#)
        #expect(cancel?.cancelledID == "s:r9")
    }

    @Test func anythingElseIsNotJSONRPC() {
        for text in ["", "null", "42", "[]", "<html>", #"{"id":1,"result":{}}"#, #"{"jsonrpc":"1.0","id":1,"result":{}}"#,
                     #"{"jsonrpc":"2.0","id":1}"#, #"[{"jsonrpc":"2.0","id":1,"result":{}}, 3]"#] {
            #expect(peek(text) == nil, "\(text)")
        }
    }
}

@Suite struct HTTPTransportErrorTests {
    let url = "https://mcp.example.com/mcp"

    @Test func eachFailureIsOneClearLineWithTheURL() {
        let cases: [(HTTPTransportError.Kind, String)] = [
            (.sessionExpired, "its session expired (https://mcp.example.com/mcp answered 404 Not Found to the session id)"),
            (.unauthorized(status: 401),
             #"https://mcp.example.com/mcp answered HTTP 401 Unauthorized: check the "headers" of its entry (an Authorization header or key)"#),
            (.status(500, detail: "boom"), "https://mcp.example.com/mcp answered HTTP 500 Internal Server Error: boom"),
            (.status(302, detail: nil), "https://mcp.example.com/mcp answered HTTP 302 (redirects are not followed: use the final URL)"),
            (.notMCP(contentType: "text/html"), "https://mcp.example.com/mcp answered with text/html, not MCP (application/json or text/event-stream)"),
            (.unreachable("connection refused"), "cannot reach https://mcp.example.com/mcp: connection refused"),
            (.stalled(seconds: 65), "https://mcp.example.com/mcp gave no complete answer within 65 s"),
            (.tooLarge(limit: 16 << 20), "https://mcp.example.com/mcp sent a message larger than 16 MiB"),
            (.badHeader(name: "X-Key"), #"the header "X-Key" of its entry cannot be sent (an invalid name, or a line break or control character in its value)"#),
        ]
        for (kind, text) in cases {
            let error = HTTPTransportError(url: url, kind)
            #expect(error.description == text)
            #expect(!error.description.contains("\n"))
        }
        #expect(HTTPTransportError(url: url, .sessionExpired).endsSession)
        #expect(HTTPTransportError(url: url, .unreachable("connection reset by peer")).endsSession)
        #expect(!HTTPTransportError(url: url, .status(500, detail: nil)).endsSession)
        #expect(!HTTPTransportError(url: url, .unauthorized(status: 401)).endsSession)
    }

    @Test func errorsOfTheHTTPClientBecomeReasons() {
        func reason(_ error: any Error) -> String {
            "\(HTTPServerTransport.failure(error, url: url, deadline: 65))"
        }
        #expect(reason(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == "cannot reach \(url): connection refused")
        #expect(reason(HTTPClientError.connectTimeout) == "cannot reach \(url): no connection within the connect timeout")
        #expect(reason(HTTPClientError.remoteConnectionClosed) == "cannot reach \(url): the server closed the connection")
        #expect(reason(HTTPClientError.deadlineExceeded) == "\(url) gave no complete answer within 65 s")
        #expect(reason(HTTPClientError.readTimeout) == "\(url) gave no complete answer within 65 s")
        #expect(HTTPServerTransport.failure(HTTPClientError.cancelled, url: url, deadline: 1) is CancellationError)
        #expect(HTTPServerTransport.failure(CancellationError(), url: url, deadline: 1) is CancellationError)
        #expect(HTTPServerTransport.tlsReason(
            "handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 1 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at /x/y.cc:1]))")
            == "certificate verify failed")
    }

    @Test func theShownURLHasNoQueryFragmentOrUserInfo() {
        #expect(HTTPTransportError.displayURL("https://mcp.example.com/mcp?key=s3cret#x") == "https://mcp.example.com/mcp")
        #expect(HTTPTransportError.displayURL("https://me:s3cret@mcp.example.com:8443/mcp") == "https://mcp.example.com:8443/mcp")
        #expect(HTTPTransportError.displayURL("http://127.0.0.1:9/mcp") == "http://127.0.0.1:9/mcp")
        #expect(HTTPTransportError.displayURL("https://${HOST}/mcp") == "https://${HOST}/mcp")
    }

    @Test func headersThatCannotGoOnTheWireAreRefusedByName() {
        #expect(HTTPHeaderCheck.isValidName("X-Api-Key") && HTTPHeaderCheck.isValidName("authorization"))
        #expect(!HTTPHeaderCheck.isValidName("") && !HTTPHeaderCheck.isValidName("Bad Name") && !HTTPHeaderCheck.isValidName("a:b"))
        #expect(HTTPHeaderCheck.isValidValue("Bearer abc\tdef") && HTTPHeaderCheck.isValidValue(""))
        #expect(!HTTPHeaderCheck.isValidValue("abc\r\nX-Injected: 1") && !HTTPHeaderCheck.isValidValue("a\u{0}b"))
    }
}
