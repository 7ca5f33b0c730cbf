import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OpenAIAPI
import ScriptedUpstream
import Testing

/// The scripted upstream over HTTP, as the Python and shell tests see it.
@Suite struct ScriptedUpstreamServerTests {
    struct Raw {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: JSONValue? { JSONValue(parsing: body) }
    }

    static func with(
        _ configuration: ScriptedUpstream.Configuration = .init(), _ body: (ScriptedUpstream, HTTPClient) async throws -> Void
    ) async throws {
        let upstream = ScriptedUpstream(configuration: configuration)
        try await upstream.start()
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await body(upstream, http)
        } catch {
            try? await http.shutdown()
            await upstream.stop()
            throw error
        }
        try? await http.shutdown()
        await upstream.stop()
    }

    static func call(_ http: HTTPClient, _ upstream: ScriptedUpstream, _ method: HTTPMethod, _ path: String, _ body: String? = nil, headers: [String: String] = [:]) async throws -> Raw {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(upstream.port)\(path)")
        request.method = method
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        return Raw(status: Int(response.status.code), headers: headers, body: String(buffer: bytes))
    }

    static let model = "openai/gpt-oss-20b"

    static func chatBody(_ text: String, stream: Bool, model: String = model, extra: String = "") -> String {
        let message = JSONValue.string(text).compactText
        return #"{"model":\#(JSONValue.string(model).compactText),"stream":\#(stream),\#(extra)"messages":[{"role":"user","content":\#(message)}]}"#
    }

    @Test func adminEnqueueRequestsAndReset() async throws {
        try await Self.with { upstream, http in
            let queued = try await Self.call(http, upstream, .POST, "/_scripted/enqueue", #"[{"type":"text","text":"first"},{"type":"error","status":503}]"#)
            #expect(queued.status == 200)
            #expect(queued.json?["queued"] == 2)
            let one = try await Self.call(http, upstream, .POST, "/_scripted/enqueue", #"{"type":"text","text":"third"}"#)
            #expect(one.json?["queued"] == 3)

            let a = try await Self.call(http, upstream, .POST, "/v1/chat/completions", Self.chatBody("x", stream: false))
            #expect(a.json?["choices"]?.arrayValue?.first?["message"]?["content"] == "first")
            let b = try await Self.call(http, upstream, .POST, "/v1/chat/completions", Self.chatBody("x", stream: false))
            #expect(b.status == 503)
            #expect(b.json?["error"]?["message"] != nil)

            let records = try await Self.call(http, upstream, .GET, "/_scripted/requests")
            let list = try #require(records.json?.arrayValue)
            #expect(list.count == 2)
            #expect(list.first?["path"] == "/v1/chat/completions")
            #expect(list.first?["body"]?["model"] == .string(Self.model))
            #expect(list.first?["headers"]?["content-type"] == "application/json")
            #expect(list.first?["client_closed"] == false)
            #expect(list.first?["completed"] == true)
            #expect(list.first?["behavior_source"] == "queue")
            #expect(list.last?["behavior"] == "error")

            let bad = try await Self.call(http, upstream, .POST, "/_scripted/enqueue", #"{"type":"dance"}"#)
            #expect(bad.status == 400)

            _ = try await Self.call(http, upstream, .POST, "/_scripted/reset", "{}")
            #expect(upstream.requests.isEmpty)
            #expect(upstream.queuedCount == 0)
        }
    }

    @Test func defaultIsAStreamedEcho() async throws {
        try await Self.with { upstream, http in
            let r = try await Self.call(http, upstream, .POST, "/v1/chat/completions", Self.chatBody("tell me a story please", stream: true))
            #expect(r.headers["content-type"] == "text/event-stream")
            #expect(r.body.hasSuffix("data: [DONE]\n\n"))
            #expect(r.body.contains(#""content":" story""#))
        }
    }

    @Test func directivePicksTheBehaviour() async throws {
        try await Self.with { upstream, http in
            let r = try await Self.call(
                http, upstream, .POST, "/v1/chat/completions", Self.chatBody(#"hi [[script:error status=429 retry_after=2 shape=object]]"#, stream: true))
            #expect(r.status == 429)
            #expect(r.headers["retry-after"] == "2")
            #expect(r.json?["object"] == "error")
            #expect(upstream.requests.first?.behaviorSource == "directive")
        }
    }

    @Test func failThenSucceedDirectiveCounts() async throws {
        try await Self.with { upstream, http in
            let body = Self.chatBody(#"[[script:fail_then_succeed times=2 status=502 then={"type":"text","text":"recovered"}]]"#, stream: false)
            let statuses = try await [
                Self.call(http, upstream, .POST, "/v1/chat/completions", body).status,
                Self.call(http, upstream, .POST, "/v1/chat/completions", body).status,
            ]
            #expect(statuses == [502, 502])
            let ok = try await Self.call(http, upstream, .POST, "/v1/chat/completions", body)
            #expect(ok.json?["choices"]?.arrayValue?.first?["message"]?["content"] == "recovered")
            // The counter starts again for the next logical request.
            #expect(try await Self.call(http, upstream, .POST, "/v1/chat/completions", body).status == 502)
        }
    }

    @Test func badDirectiveIsA400() async throws {
        try await Self.with { upstream, http in
            let r = try await Self.call(http, upstream, .POST, "/v1/chat/completions", Self.chatBody("[[script:dance]]", stream: true))
            #expect(r.status == 400)
            #expect(r.body.contains("dance"))
        }
    }

    @Test func toolResultTurnEndsATool_loop() async throws {
        try await Self.with { upstream, http in
            let body = #"""
                {"model":"openai/gpt-oss-20b","stream":false,"tools":[{"type":"function","function":{"name":"Bash","parameters":{}}}],
                 "messages":[{"role":"user","content":"[[script:bash command=\"echo hi\"]]"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"Bash","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"c1","content":"hi-from-tool"},
                 {"role":"user","content":"<system-reminder>whatever</system-reminder>"}]}
                """#
            let r = try await Self.call(http, upstream, .POST, "/v1/chat/completions", body)
            let content = r.json?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue ?? ""
            #expect(content.contains("hi-from-tool"))
            let first = try await Self.call(
                http, upstream, .POST, "/v1/chat/completions",
                #"{"model":"openai/gpt-oss-20b","tools":[{"type":"function","function":{"name":"Bash","parameters":{}}}],"messages":[{"role":"user","content":"[[script:bash command=\"echo hi\"]]"}]}"#)
            let call = first.json?["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue?.first
            #expect(call?["function"]?["name"] == "Bash")
            #expect(call?["function"]?["arguments"] == #"{"command":"echo hi"}"#)
        }
    }

    @Test(arguments: [ErrorShape.openAI, .object, .detail, .detailString, .text])
    func errorShapes(_ shape: ErrorShape) async throws {
        try await Self.with { upstream, http in
            upstream.enqueue(.error(500, shape: shape, message: "broken thing"))
            let r = try await Self.call(http, upstream, .POST, "/v1/chat/completions", Self.chatBody("x", stream: true))
            #expect(r.status == 500)
            #expect(r.body.contains("broken thing"))
            switch shape {
            case .openAI: #expect(r.json?["error"]?["message"] == "broken thing")
            case .object: #expect(r.json?["message"] == "broken thing")
            case .detail: #expect(r.json?["detail"]?.arrayValue?.first?["msg"] == "broken thing")
            case .detailString: #expect(r.json?["detail"] == "broken thing")
            case .text: #expect(r.body == "broken thing")
            }
        }
    }

    @Test func resetIsAnErrorForTheClientNotACleanEnd() async throws {
        try await Self.with { upstream, http in
            upstream.enqueue(.respond(.text("a b c d"), Shape(fault: .reset(after: 2))))
            await #expect(throws: (any Error).self) {
                _ = try await Self.call(http, upstream, .POST, "/v1/chat/completions", Self.chatBody("x", stream: true))
            }
            #expect(upstream.requests.first?.serverReset == true)
            #expect(upstream.requests.first?.clientClosed == false)
        }
    }

    @Test func nonStreamedReset() async throws {
        try await Self.with { upstream, http in
            upstream.enqueue(.respond(.echo, Shape(fault: .reset(after: 0))))
            await #expect(throws: (any Error).self) {
                _ = try await Self.call(http, upstream, .POST, "/v1/chat/completions", Self.chatBody("x", stream: false))
            }
        }
    }

    @Test func models() async throws {
        try await Self.with { upstream, http in
            let r = try await Self.call(http, upstream, .GET, "/v1/models?verbose=true")
            let list = try JSONDecoder().decode(UpstreamModelList.self, from: Data(r.body.utf8))
            #expect(list.data.count >= 4)
            #expect(r.json?["data"]?.arrayValue?.first?["object"] == "model")
            let replaced = try await Self.call(http, upstream, .POST, "/_scripted/catalogue", #"[{"id":"a/b","context_length":5}]"#)
            #expect(replaced.status == 200)
            let again = try await Self.call(http, upstream, .GET, "/v1/models")
            #expect(again.json?["data"]?.arrayValue?.count == 1)
        }
    }

    @Test func requiredKeyAndStrictModels() async throws {
        try await Self.with(.init(requiredAPIKey: "k-123", rejectUnknownModels: true)) { upstream, http in
            let noKey = try await Self.call(http, upstream, .POST, "/v1/chat/completions", Self.chatBody("x", stream: true))
            #expect(noKey.status == 401)
            let auth = ["authorization": "Bearer k-123"]
            let unknown = try await Self.call(
                http, upstream, .POST, "/v1/chat/completions", Self.chatBody("x", stream: true, model: "m"), headers: auth)
            #expect(unknown.status == 404)
            let known = try await Self.call(
                http, upstream, .POST, "/v1/chat/completions",
                #"{"model":"openai/gpt-oss-20b","messages":[{"role":"user","content":"x"}]}"#, headers: auth)
            #expect(known.status == 200)
        }
    }

    @Test func invalidBodyIsA400() async throws {
        try await Self.with { upstream, http in
            let r = try await Self.call(http, upstream, .POST, "/v1/chat/completions", "{not json")
            #expect(r.status == 400)
            #expect(upstream.requests.count == 1)
        }
    }
}
