import ClaudeAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OpenAIAPI
import Translation
import Upstream
import Testing

@testable import ProxyServer

@Suite("Auth, models and health")
struct AuthAndRoutesTests {
    static let key = "sk-client-secret-4242"

    @Test("1 auth: x-api-key or Bearer accepted, anything else 401 without echoing keys", arguments: [
        ([String: String](), 401),
        (["x-api-key": "wrong-key-123"], 401),
        (["authorization": "Bearer wrong-key-123"], 401),
        (["authorization": "Basic \(key)"], 401),
        (["x-api-key": key], 200),
        (["authorization": "Bearer \(key)"], 200),
    ])
    func auth(headers: [String: String], status: Int) async throws {
        let service = FakeMessagesService(.events(FakeMessagesService.textEvents("ok")))
        var built = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { built[field] = value }
        }
        let fields = built
        try await makeProxy(service, clientKey: Self.key).application().test(.router) { client in
            try await client.execute(uri: "/v1/messages", method: .post, headers: fields, body: messagesBody(stream: false)) { response in
                #expect(Int(response.status.code) == status)
                let text = String(buffer: response.body)
                #expect(!text.contains(Self.key))
                #expect(!text.contains("wrong-key-123"))
                if status == 401 { #expect(json(response.body)?["error"]?["type"] == "authentication_error") }
            }
        }
    }

    @Test("1 health and root answer without a key and without calling upstream")
    func health() async throws {
        let service = FakeMessagesService(.events([]))
        try await makeProxy(service, clientKey: Self.key).application().test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/", method: .head) { #expect($0.status == .ok) }
            try await client.execute(uri: "/", method: .get) { #expect($0.status == .ok) }
        }
        #expect(service.requests.isEmpty)
    }

    @Test("1 GET /v1/models lists the upstream catalogue in the Anthropic shape")
    func models() async throws {
        let models = [CatalogueModel(id: "a/one", contextLength: 131_072, created: 1_700_000_000), CatalogueModel(id: "b/two")]
        try await makeProxy(FakeMessagesService(.events([])), models: models).application().test(.router) { client in
            try await client.execute(uri: "/v1/models", method: .get) { response in
                let body = try #require(json(response.body))
                #expect(body["data"]?.arrayValue?.map { $0["id"] } == ["a/one", "b/two"])
                #expect(body["data"]?.arrayValue?.first?["type"] == "model")
                #expect(body["data"]?.arrayValue?.first?["created_at"]?.stringValue?.hasPrefix("2023-11-14") == true)
                #expect(body["has_more"] == false)
                #expect(body["first_id"] == "a/one")
                #expect(body["last_id"] == "b/two")
                // The window and the answer length serve allows, as peers list them (PROTOCOL 8.2).
                #expect(body["data"]?.arrayValue?.first?["max_input_tokens"] == 131_072)
                #expect(body["data"]?.arrayValue?.first?["max_tokens"]?.intValue == OutputBudget.maxTokens(window: 131_072, limit: TranslationConfig().maxTokens))
                #expect(body["data"]?.arrayValue?.last?["max_input_tokens"] == nil)
            }
            try await client.execute(uri: "/v1/models/b/two", method: .get) { response in
                #expect(response.status == .ok)
                #expect(json(response.body)?["id"] == "b/two")
            }
            try await client.execute(uri: "/v1/models/claude-haiku-4-5", method: .get) { response in
                #expect(response.status == .ok)
                #expect(json(response.body)?["id"] == "claude-haiku-4-5")
            }
            try await client.execute(uri: "/v1/models/nope/none", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(json(response.body)?["error"]?["type"] == "not_found_error")
            }
        }
    }

    @Test("constant-time comparison agrees with ==")
    func constantTime() {
        #expect(constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!constantTimeEquals([], Array("a".utf8)))
    }
}
