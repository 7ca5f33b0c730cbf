import ClaudeAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Upstream

@testable import ProxyServer

@Suite("POST /v1/messages")
struct MessagesEndpointTests {
    @Test("1 query strings are ignored; non-streaming answer is the folded message with the requested model")
    func nonStreaming() async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("Hi there")))
        try await makeProxy(service).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages?beta=true", method: .post, body: messagesBody(stream: false)) { response in
                #expect(response.status == .ok)
                let body = try #require(json(response.body))
                #expect(body["type"] == "message")
                #expect(body["model"] == "claude-sonnet-4-5")
                #expect(body["content"]?.arrayValue?.first?["text"] == "Hi there")
                #expect(body["stop_reason"] == "end_turn")
                #expect(body["usage"]?["output_tokens"] == 3)
            }
        }
        #expect(service.requests.count == 1)
    }

    @Test("4 streaming: event lines, message_start then ping first, message_stop last")
    func streaming() async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("Hi")))
        try await makeProxy(service).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages?beta=true", method: .post, body: messagesBody(stream: true)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
                let frames = sseFrames(response.body)
                #expect(frames.map(\.event) == [
                    "message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop",
                    "message_delta", "message_stop",
                ])
                for frame in frames { #expect(frame.data?["type"]?.stringValue == frame.event) }
                #expect(frames.first?.data?["message"]?["usage"]?["input_tokens"] == 12)
            }
        }
    }

    @Test("4.2 a ping is sent after upstream silence")
    func pingOnSilence() async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("slow"), delay: .milliseconds(150)))
        try await makeProxy(service, pingInterval: 0.05).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: true)) { response in
                let pings = sseFrames(response.body).filter { $0.event == "ping" }
                #expect(pings.count >= 3)
            }
        }
    }

    @Test("4.1/5 an upstream failure before the first byte is a real HTTP error, stream or not", arguments: [true, false])
    func failureBeforeFirstByte(stream: Bool) async throws {
        let failure = UpstreamFailure(APIError(.rateLimit, "slow down"), retryAfter: 7, upstreamStatus: 429)
        try await makeProxy(FakeMessagesService(.failure(failure))).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: stream)) { response in
                #expect(response.status.code == 429)
                #expect(response.headers[.retryAfter] == "7")
                let body = try #require(json(response.body))
                #expect(body["type"] == "error")
                #expect(body["error"]?["type"] == "rate_limit_error")
                #expect(body["error"]?["message"] == "slow down")
            }
        }
    }

    @Test("5 an unreachable upstream is a 502 api_error naming the base URL, stream or not", arguments: [true, false])
    func unreachableUpstream(stream: Bool) async throws {
        let failure = UpstreamFailure.unreachable(baseURL: "http://127.0.0.1:9/v1", reason: "connection refused")
        try await makeProxy(FakeMessagesService(.failure(failure))).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: stream)) { response in
                #expect(response.status.code == 502)
                let body = try #require(json(response.body))
                #expect(body["error"]?["type"] == "api_error")
                #expect(body["error"]?["message"]?.stringValue?.contains("http://127.0.0.1:9/v1") == true)
            }
        }
    }

    @Test("4.9 a failure after the first byte is an error event when streaming, an error status when not")
    func failureMidStream() async throws {
        var events = Array(FakeMessagesService.textEvents("partial").prefix(3))
        events.append(.error(APIError(.overloaded, "upstream went away")))
        try await makeProxy(FakeMessagesService(.events(events))).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: true)) { response in
                #expect(response.status == .ok)
                let last = try #require(sseFrames(response.body).last)
                #expect(last.event == "error")
                #expect(last.data?["error"]?["type"] == "overloaded_error")
            }
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: false)) { response in
                #expect(response.status.code == 529)
                #expect(json(response.body)?["error"]?["type"] == "overloaded_error")
            }
        }
    }

    @Test("1 unknown top-level fields and role: system messages are accepted")
    func tolerant() async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("ok")))
        let body = ByteBuffer(string: """
            {"model":"claude-opus-4-5","max_tokens":10,"context_management":{"edits":[]},"safeguards":{"x":1},
             "output_config":{"effort":"high"},"thinking":{"type":"adaptive","display":"updates"},
             "messages":[{"role":"system","content":"env block"},{"role":"user","content":[{"type":"text","text":"hi"},
               {"type":"some_future_block","data":1}]}]}
            """)
        try await makeProxy(service).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: body) { response in
                #expect(response.status == .ok)
            }
        }
        let request = try #require(service.requests.first)
        #expect(request.messages.first?.role == .system)
        #expect(request.messages.last?.content.last?.type == "some_future_block")
    }

    @Test("1 malformed bodies answer 400 invalid_request_error naming the field", arguments: [
        ("not json at all", "body: not valid JSON"),
        (#"{"model":"m","max_tokens":5}"#, "messages: field required"),
        (#"{"model":"m","max_tokens":5,"messages":"hi"}"#, "messages: expected an array"),
        (#"{"model":"m","max_tokens":"5","messages":[{"role":"user","content":"x"}]}"#, "max_tokens: expected a number"),
        (#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#, "max_tokens: field required"),
        (#"{"model":"m","max_tokens":5,"messages":[]}"#, "messages: at least one message is required"),
        (#"{"model":"m","max_tokens":5,"messages":[{"role":"robot","content":"x"}]}"#, "messages[0].role"),
    ])
    func malformed(body: String, message: String) async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("never")))
        try await makeProxy(service).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let error = try #require(json(response.body))
                #expect(error["error"]?["type"] == "invalid_request_error")
                #expect(error["error"]?["message"]?.stringValue?.hasPrefix(message) == true, "\(error)")
            }
        }
        #expect(service.requests.isEmpty)
    }

    @Test("1 bodies over the limit answer 413 request_too_large")
    func tooLarge() async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("never")))
        let big = String(repeating: "a", count: 5000)
        try await makeProxy(service, maxBodyBytes: 2048).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, body: messagesBody(stream: false, extra: #""pad":"\#(big)","#)) { response in
                #expect(response.status.code == 413)
                #expect(json(response.body)?["error"]?["type"] == "request_too_large")
            }
        }
        #expect(service.requests.isEmpty)
    }

    @Test("1 count_tokens answers input_tokens and ignores ?beta=true")
    func countTokens() async throws {
        let service = FakeMessagesService(.events([]))
        let body = ByteBuffer(string: #"{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"count these words please"}]}"#)
        try await makeProxy(service).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages/count_tokens?beta=true", method: .post, body: body) { response in
                #expect(response.status == .ok)
                let count = try #require(json(response.body)?["input_tokens"]?.intValue)
                #expect(count > 5 && count < 100)
            }
        }
        #expect(service.requests.isEmpty, "count_tokens never calls the upstream")
    }
}
