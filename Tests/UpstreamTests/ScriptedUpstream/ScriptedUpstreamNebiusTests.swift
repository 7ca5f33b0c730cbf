import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import OpenAIAPI
import ScriptedUpstream
import Testing

/// The scripted upstream's imitation of today's Nebius: the verbose catalogue, model-not-found,
/// `/v1/models` failures, overflow wordings, the bare `</think>` leak and usage quirks.
@Suite struct ScriptedUpstreamNebiusTests {
    typealias Server = ScriptedUpstreamServerTests

    static let catalogueIDs = [
        "zai-org/GLM-5.2", "moonshotai/Kimi-K2.7-Code", "moonshotai/Kimi-K3", "deepseek-ai/DeepSeek-V4-Pro",
        "MiniMaxAI/MiniMax-M3", "Qwen/Qwen3.5-397B-A17B", "openai/gpt-oss-120b", "openai/gpt-oss-20b",
        "Qwen/Qwen2.5-VL-72B-Instruct", "google/gemma-3-27b-it", "nvidia/nemotron-3-super-120b-a12b",
    ]

    static func chat(_ http: HTTPClient, _ upstream: ScriptedUpstream, _ body: String) async throws -> Server.Raw {
        try await Server.call(http, upstream, .POST, "/v1/chat/completions", body)
    }

    /// The `data:` payloads of a stream body.
    static func payloads(_ body: String) -> [String] {
        body.components(separatedBy: "\n\n").compactMap { frame in
            frame.hasPrefix("data: ") ? String(frame.dropFirst(6)) : nil
        }
    }

    static func streamedContent(_ body: String) -> String {
        payloads(body).compactMap { JSONValue(parsing: $0)?["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue }
            .joined()
    }

    // MARK: Catalogue

    @Test func verboseCatalogueLikeNebius() async throws {
        try await Server.with { upstream, http in
            let r = try await Server.call(http, upstream, .GET, "/v1/models?verbose=true")
            #expect(r.status == 200)
            let data = try #require(r.json?["data"]?.arrayValue)
            #expect(data.compactMap { $0["id"]?.stringValue } == Self.catalogueIDs)
            for entry in data {
                #expect(entry["object"] == "model")
                #expect(entry["created"]?.intValue != nil)
                #expect(entry["status"] == "active")
                #expect((entry["context_length"]?.intValue ?? 0) > 100_000)
                #expect(entry["supported_features"]?.arrayValue?.isEmpty == false)
                let modality = entry["architecture"]?["modality"]?.stringValue
                #expect(modality == "text->text" || modality == "text+image->text")
            }
            let glm = try #require(data.first { $0["id"] == "zai-org/GLM-5.2" })
            #expect(glm["context_length"] == 432_000)
            #expect(glm["pricing"]?["prompt"] == "0.0000014")
            #expect(glm["pricing"]?["completion"] == "0.0000044")
            let kimi = try #require(data.first { $0["id"] == "moonshotai/Kimi-K2.7-Code" })
            #expect(kimi["architecture"]?["modality"] == "text+image->text")
            #expect(kimi["context_length"] == 262_144)
            // It decodes as the client's wire type.
            let list = try JSONDecoder().decode(UpstreamModelList.self, from: Data(r.body.utf8))
            #expect(list.data.first { $0.id == "Qwen/Qwen2.5-VL-72B-Instruct" }?.acceptsImages == true)
            #expect(list.data.first { $0.id == "openai/gpt-oss-120b" }?.acceptsImages == false)
        }
    }

    @Test func replacedCatalogueKeepsItsMembersAndResetRestoresTheDefault() async throws {
        try await Server.with { upstream, http in
            let set = try await Server.call(
                http, upstream, .POST, "/_scripted/catalogue",
                #"{"data":[{"id":"x/new-model","context_length":8192,"supported_features":["tools"],"per_request_limits":null}]}"#)
            #expect(set.status == 200)
            let r = try await Server.call(http, upstream, .GET, "/v1/models?verbose=true")
            let only = try #require(r.json?["data"]?.arrayValue)
            #expect(only.count == 1)
            #expect(only.first?["supported_features"] == ["tools"])
            #expect(only.first?["per_request_limits"] == .null)
            #expect(only.first?["object"] == "model")
            #expect(only.first?["status"] == "active")
            #expect(only.first?["owned_by"] == "x")
            // Chat follows the catalogue: the old ids are gone, the new one is served.
            #expect(try await Self.chat(http, upstream, Server.chatBody("hi", stream: false)).status == 404)
            #expect(try await Self.chat(http, upstream, Server.chatBody("hi", stream: false, model: "x/new-model")).status == 200)

            let bad = try await Server.call(http, upstream, .POST, "/_scripted/catalogue", #"[{"context_length":5}]"#)
            #expect(bad.status == 400)

            upstream.reset()
            #expect(upstream.catalogue.map(\.id) == Self.catalogueIDs)
        }
    }

    // MARK: Model not found

    @Test func unknownModelIsNebiusBare404AndKeepsTheQueue() async throws {
        try await Server.with { upstream, http in
            upstream.enqueue(.text("for the real model"))
            let r = try await Self.chat(http, upstream, Server.chatBody("hi", stream: true, model: "zai-org/GLM-4.7-FP8"))
            #expect(r.status == 404)
            #expect(r.json == ["detail": "Model zai-org/GLM-4.7-FP8 not found"])
            #expect(upstream.chatRecords.first?.behavior == "model_not_found")
            #expect(upstream.queuedCount == 1)
            let ok = try await Self.chat(http, upstream, Server.chatBody("hi", stream: false))
            #expect(ok.json?["choices"]?.arrayValue?.first?["message"]?["content"] == "for the real model")
        }
    }

    @Test func anyModelWhenNotStrict() async throws {
        try await Server.with(.init(rejectUnknownModels: false)) { upstream, http in
            let r = try await Self.chat(http, upstream, Server.chatBody("hi", stream: false, model: "made/up"))
            #expect(r.status == 200)
        }
        try await Server.with { upstream, http in
            let options = try await Server.call(http, upstream, .POST, "/_scripted/options", #"{"strict_models":false}"#)
            #expect(options.json?["strict_models"] == false)
            #expect(try await Self.chat(http, upstream, Server.chatBody("hi", stream: false, model: "made/up")).status == 200)
            upstream.reset()
            #expect(try await Self.chat(http, upstream, Server.chatBody("hi", stream: false, model: "made/up")).status == 404)
        }
    }

    // MARK: /v1/models failures

    @Test func modelsEndpointFailsOnDemand() async throws {
        try await Server.with { upstream, http in
            let set = try await Server.call(http, upstream, .POST, "/_scripted/models_failure", #"{"status":503}"#)
            #expect(set.status == 200)
            #expect(try await Server.call(http, upstream, .GET, "/v1/models?verbose=true").status == 503)
            // Chat is not affected.
            #expect(try await Self.chat(http, upstream, Server.chatBody("hi", stream: false)).status == 200)

            _ = try await Server.call(http, upstream, .POST, "/_scripted/models_failure", #"{"kind":"close"}"#)
            await #expect(throws: (any Error).self) {
                _ = try await Server.call(http, upstream, .GET, "/v1/models?verbose=true")
            }
            #expect(upstream.requests.last?.behavior == "models_close")

            _ = try await Server.call(http, upstream, .POST, "/_scripted/models_failure", #"{"kind":"stall","seconds":0.3}"#)
            let start = ContinuousClock.now
            let slow = try await Server.call(http, upstream, .GET, "/v1/models")
            #expect(slow.status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(250))

            _ = try await Server.call(http, upstream, .POST, "/_scripted/models_failure", "{}")
            #expect(try await Server.call(http, upstream, .GET, "/v1/models").status == 200)

            upstream.setModelsFailure(.http(HTTPErrorSpec(status: 500)))
            upstream.reset()
            #expect(try await Server.call(http, upstream, .GET, "/v1/models").status == 200)

            let bad = try await Server.call(http, upstream, .POST, "/_scripted/models_failure", #"{"kind":"dance"}"#)
            #expect(bad.status == 400)
        }
    }

    // MARK: Context overflow

    static let numbers = OverflowNumbers(window: 131_072, prompt: 139_000, completion: 1000)

    @Test func overflowWordings() {
        #expect(OverflowStyle.vllm.body(Self.numbers)
            == #"{"object":"error","message":"This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (139000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}"#)
        #expect(OverflowStyle.sglang.message(Self.numbers).hasPrefix(
            "Requested token count exceeds the model's maximum context length of 131072 tokens. You requested a total of 140000 tokens: 139000 tokens from the input messages and 1000 tokens for the completion. Please reduce"))
        // The recorded llama.cpp answer, with its numbers.
        let recorded = OverflowNumbers(window: 4096, prompt: 6031, completion: 16)
        #expect(OverflowStyle.llamacpp.body(recorded)
            == #"{"error":{"message":"This model's maximum context length is 4096 tokens. However, you requested 6047 tokens (6031 in the messages, 16 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#)
        #expect(OverflowStyle.tgi.status == 422)
    }

    @Test(arguments: OverflowStyle.allCases)
    func overflowDirective(_ style: OverflowStyle) async throws {
        try await Server.with { upstream, http in
            let directive = "[[script:overflow style=\(style.rawValue) window=131072 prompt=139000 completion=1000]]"
            for stream in [false, true] {
                let r = try await Self.chat(http, upstream, Server.chatBody(directive, stream: stream))
                #expect(r.status == style.status)
                #expect(r.headers["content-type"] == "application/json")
                #expect(r.body == style.body(Self.numbers))
                let json = try #require(r.json)
                switch style {
                case .vllm, .nebius, .sglang:
                    #expect(json["object"] == "error")
                    #expect(json["type"] == "BadRequestError")
                    #expect(json["code"] == 400)
                case .llamacpp:
                    #expect(json["error"]?["code"] == "context_length_exceeded")
                case .llamacppServer:
                    #expect(json["error"]?["n_prompt_tokens"] == 139_000)
                    #expect(json["error"]?["n_ctx"] == 131_072)
                case .tgi:
                    #expect(json["error_type"] == "validation")
                case .detail:
                    #expect(json["detail"]?.stringValue?.contains("maximum context length is 131072") == true)
                }
            }
            #expect(upstream.chatRecords.allSatisfy { $0.behavior == "overflow" })
        }
    }

    @Test func overflowNumbersComeFromTheRequestAndTheCatalogue() async throws {
        try await Server.with { upstream, http in
            let r = try await Self.chat(
                http, upstream,
                Server.chatBody("[[script:overflow]]", stream: false, model: "google/gemma-3-27b-it", extra: #""max_tokens":5000,"#))
            #expect(r.status == 400)
            let message = try #require(r.json?["message"]?.stringValue)
            #expect(message.hasPrefix("This model's maximum context length is 110000 tokens. However, you requested 110001 tokens (105001 in the messages, 5000 in the completion)."))
        }
    }

    @Test func overflowMidStream() async throws {
        try await Server.with { upstream, http in
            let r = try await Self.chat(
                http, upstream,
                Server.chatBody(#"[[script:overflow style=sglang stream_frame=true after=2 window=1000 prompt=990 completion=20 text="partial answer here"]]"#, stream: true))
            #expect(r.status == 200)
            #expect(r.headers["content-type"] == "text/event-stream")
            let frames = Self.payloads(r.body)
            #expect(frames.count == 3)
            #expect(!r.body.contains("[DONE]"))
            let error = try #require(frames.last.flatMap(JSONValue.init(parsing:))?["error"])
            #expect(error["message"]?.stringValue?.hasPrefix("Requested token count exceeds the model's maximum context length of 1000 tokens. You requested a total of 1010 tokens") == true)
            #expect(error["type"] == "BadRequestError")
            #expect(error["code"] == 400)
            #expect(Self.streamedContent(r.body) == "partial")
        }
    }

    @Test func enforcedWindowRefusesWhatDoesNotFit() async throws {
        try await Server.with(.init(enforceContextWindow: .vllm)) { upstream, http in
            upstream.setCatalogue([UpstreamModel(id: "small/window", contextLength: 1000, modality: "text->text")])
            let prompt = String(repeating: "abcd", count: 600)  // 600 tokens by characters / 4
            let fits = try await Self.chat(
                http, upstream, Server.chatBody(prompt, stream: false, model: "small/window", extra: #""max_tokens":400,"#))
            #expect(fits.status == 200)
            let over = try await Self.chat(
                http, upstream, Server.chatBody(prompt, stream: false, model: "small/window", extra: #""max_tokens":401,"#))
            #expect(over.status == 400)
            #expect(over.json?["message"]?.stringValue?.hasPrefix(
                "This model's maximum context length is 1000 tokens. However, you requested 1001 tokens (600 in the messages, 401 in the completion).") == true)
            let tooLong = try await Self.chat(
                http, upstream, Server.chatBody(prompt + prompt, stream: true, model: "small/window"))
            #expect(tooLong.status == 400)
            #expect(tooLong.json?["message"]?.stringValue?.contains("(1200 in the messages, 0 in the completion)") == true)
        }
        try await Server.with { upstream, http in
            let on = try await Server.call(http, upstream, .POST, "/_scripted/options", #"{"enforce_window":"tgi"}"#)
            #expect(on.json?["enforce_window"] == "tgi")
            upstream.setCatalogue([UpstreamModel(id: "small/window", contextLength: 100, modality: "text->text")])
            let over = try await Self.chat(
                http, upstream, Server.chatBody("hi", stream: false, model: "small/window", extra: #""max_tokens":200,"#))
            #expect(over.status == 422)
            #expect(try await Server.call(http, upstream, .POST, "/_scripted/options", #"{"enforce_window":"nope"}"#).status == 400)
        }
    }

    // MARK: Bare </think> and usage quirks

    @Test func bareThinkCloseLeak() async throws {
        try await Server.with { upstream, http in
            let directive = #"[[script:think_leak reasoning="reasoning words" text="The answer"]]"#
            let streamed = try await Self.chat(http, upstream, Server.chatBody(directive, stream: true))
            #expect(Self.streamedContent(streamed.body) == "reasoning words</think>The answer")
            #expect(Self.payloads(streamed.body).count >= 6, "the content comes in pieces, the tag may be cut")
            let whole = try await Self.chat(http, upstream, Server.chatBody(directive, stream: false))
            #expect(whole.json?["choices"]?.arrayValue?.first?["message"]?["content"] == "reasoning words</think>The answer")
            #expect(!whole.body.contains("<think>"))
        }
    }

    @Test func nebiusUsageQuirks() async throws {
        try await Server.with { upstream, http in
            upstream.enqueue(.respond(.reasoning("thinking hard about it", text: "4"), Shape(usage: .always, usageStyle: .nebius)))
            let r = try await Self.chat(http, upstream, Server.chatBody("2+2?", stream: true))
            let usages = Self.payloads(r.body).compactMap { payload -> JSONValue? in JSONValue(parsing: payload)?["usage"] }
            let usage = try #require(usages.first)
            #expect(usage["prompt_tokens_details"] == .null)
            #expect(usage["completion_tokens_details"] == .null)
            #expect((usage["reasoning_tokens"]?.intValue ?? 0) > 0)
            #expect(usage["prompt_tokens"]?.intValue != nil)

            let whole = try await Self.chat(
                http, upstream, Server.chatBody(#"[[script:text text="ok" usage_style=nebius]]"#, stream: false))
            #expect(whole.json?["usage"]?["prompt_tokens_details"] == .null)
            #expect(whole.json?["usage"]?["reasoning_tokens"] == 0)

            let cached = try await Self.chat(
                http, upstream, Server.chatBody(#"[[script:text text="ok" cached_tokens=3]] with a longer prompt here"#, stream: false))
            #expect(cached.json?["usage"]?["prompt_tokens_details"]?["cached_tokens"] == 3)
        }
    }

    @Test func newBehavioursRoundTripAsJSON() throws {
        let behaviours: [Behavior] = [
            .overflow(OverflowSpec(style: .sglang, window: 10, prompt: 20, completion: 1, midStream: true, after: 3, text: "a")),
            .overflow(OverflowSpec(style: .llamacppServer)),
            .respond(.bareThinkClose("r", text: "t", chunks: 3)),
            .respond(.text("x"), Shape(usage: .always, usageStyle: .nebius, cachedTokens: 5)),
        ]
        for behaviour in behaviours {
            let data = try JSONEncoder().encode(behaviour)
            #expect(try JSONDecoder().decode(Behavior.self, from: data) == behaviour)
        }
        let failure = ModelsFailure.stall(seconds: 2)
        #expect(try JSONDecoder().decode(ModelsFailure.self, from: JSONEncoder().encode(failure)) == failure)
        let directive = try #require(ScriptDirective.find(in: "[[script:context_overflow style=llama.cpp midstream=true]]"))
        #expect(try directive.behavior() == .overflow(OverflowSpec(style: .llamacpp, midStream: true)))
    }
}
