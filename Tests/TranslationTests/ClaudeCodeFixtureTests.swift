import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

/// Every captured client request decodes, routes and translates with the properties that matter.
@Suite("Claude Code and SDK fixtures")
struct ClaudeCodeFixtureTests {
    static let names = Fixtures.claudeCodeNames

    @Test("fixtures are present")
    func present() {
        #expect(Self.names.count >= 17, "fixtures dir: \(Fixtures.directory.path)")
    }

    @Test("1 Claude Code paths carry ?beta=true", arguments: names.filter { $0.hasPrefix("cc_") })
    func betaQuery(name: String) throws {
        #expect(try Fixtures.captured(name).path.hasSuffix("?beta=true"))
    }

    @Test("2 fixture decodes, routes and translates", arguments: names)
    func translates(name: String) throws {
        let captured = try Fixtures.captured(name)
        let raw = captured.body
        let request = try Fixtures.request(name)
        let config = testConfig
        let model = ModelRouter(config: config).route(request)
        let translated = try RequestTranslator(config: config).translate(request, upstreamModel: model)
        let chat = translated.chat
        let wire = try wireJSON(chat)
        let wireText = wire.compactText

        // 2.1 model mapped per router rules.
        let asked = raw["model"]?.stringValue ?? ""
        let hasImage = wireText.contains("\"image_url\"")
        let expected: String
        if hasImage { expected = config.visionModel }
        else if asked.contains("haiku") { expected = config.smallModel }
        else if asked.contains("sonnet") { expected = config.middleModel }
        else if asked.contains("/") { expected = asked }
        else { expected = config.bigModel }
        #expect(chat.model == expected)
        if name == "sdk_image_base64.json" { #expect(chat.model == config.visionModel) }

        // 2.2 exactly one system message, first, when there is any system text; billing header gone.
        let systemCount = chat.messages.filter { $0.role == .system }.count
        let rawMessages = raw["messages"]?.arrayValue ?? []
        let rawSystemMessages = rawMessages.filter { $0["role"] == "system" }
        if raw["system"] != nil || !rawSystemMessages.isEmpty {
            #expect(systemCount == 1)
            #expect(chat.messages.first?.role == .system)
            let systemText = chat.messages.first?.textContent ?? ""
            for m in rawSystemMessages {
                let texts = m["content"]?.stringValue.map { [$0] } ?? m["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
                for t in texts { #expect(systemText.contains(t)) }
            }
        } else {
            #expect(systemCount == 0)
        }
        #expect(!wireText.contains("x-anthropic-billing-header"))
        #expect(!wireText.contains("cache_control"))

        // 2.7 tools converted with schemas intact.
        let rawTools = (raw["tools"]?.arrayValue ?? []).filter { $0["type"] == nil || $0["type"] == "custom" }
        #expect((chat.tools ?? []).count == rawTools.count)
        for (tool, rawTool) in zip(chat.tools ?? [], rawTools) {
            #expect(tool.type == "function")
            #expect(tool.function.name == rawTool["name"]?.stringValue)
            #expect(tool.function.description == rawTool["description"]?.stringValue)
            #expect(tool.function.parameters == rawTool["input_schema"])
        }
        for tool in wire["tools"]?.arrayValue ?? [] {
            #expect(tool["function"]?["defer_loading"] == nil && tool["defer_loading"] == nil)
        }

        // 2.4 tool messages directly follow the assistant message whose calls they answer, before user text.
        for (i, m) in chat.messages.enumerated() where m.role == .tool {
            let previous = chat.messages[..<i].last { $0.role != .tool }
            #expect(previous?.role == .assistant)
            #expect(previous?.toolCalls?.contains { $0.id == m.toolCallID } == true)
        }
        let rawResults = rawMessages.flatMap { $0["content"]?.arrayValue ?? [] }.filter { $0["type"] == "tool_result" }
        #expect(chat.messages.filter { $0.role == .tool }.count == rawResults.count)

        // 2.5 no content: null on assistant tool-call messages.
        for m in wire["messages"]?.arrayValue ?? [] where m["role"] == "assistant" {
            #expect(m["content"] != nil && m["content"] != .null)
        }

        // 2.9 max_tokens clamped, reasoning effort from thinking.
        let askedMax = raw["max_tokens"]?.intValue
        let expectedAsk = askedMax ?? min(RequestTranslator.defaultMaxTokens, config.maxTokens)
        #expect(chat.maxTokens == min(max(expectedAsk, config.minTokens), config.maxTokens))
        let thinking = raw["thinking"]?["type"]?.stringValue
        if thinking == "adaptive" || thinking == "enabled" {
            #expect(chat.reasoningEffort != nil)
            if let effort = raw["output_config"]?["effort"]?.stringValue {
                #expect(chat.reasoningEffort == ["xhigh": "high", "max": "high"][effort] ?? effort)
            }
        } else {
            #expect(chat.reasoningEffort == nil)
        }

        // 2.10 stream with usage.
        #expect(wire["stream"] == true)
        #expect(wire["stream_options"]?["include_usage"] == true)

        // The translated request is valid JSON the upstream can parse back.
        #expect(try JSONDecoder().decode(ChatRequest.self, from: JSONEncoder().encode(chat)) == chat)
    }

    @Test("2.2 role: system entry of Claude Code is folded (cc_interactive_tool_result_turn)")
    func interactiveSystem() throws {
        let request = try Fixtures.request("cc_interactive_tool_result_turn.json")
        #expect(request.messages.contains { $0.role == .system })
        let chat = try translateRequest(request).chat
        #expect(chat.messages.map(\.role) == [.system, .user, .assistant, .tool])
    }

    @Test("2.9 Claude Code's adaptive thinking with effort medium -> reasoning_effort medium; SDK budget 1024 -> low")
    func thinkingFixtures() throws {
        #expect(try translateRequest(Fixtures.request("cc_p_first_turn_stream.json")).chat.reasoningEffort == "medium")
        #expect(try translateRequest(Fixtures.request("sdk_thinking_enabled.json")).chat.reasoningEffort == "low")
        #expect(try translateRequest(Fixtures.request("cc_p_minimal_custom_model_no_betas.json")).chat.reasoningEffort == nil)
    }

    @Test("2.5 SDK tool round trip: assistant tool call with content \"\" then the tool message")
    func sdkRoundTrip() throws {
        let chat = try translateRequest(Fixtures.request("sdk_tool_result_roundtrip.json")).chat
        #expect(chat.messages.map(\.role) == [.user, .assistant, .tool])
        #expect(chat.messages[1].textContent == "")
        #expect(chat.messages[1].toolCalls == [ToolCall(id: "toolu_a8d92b2aa3c144a2a3725ee9", name: "get_weather",
                                                      arguments: #"{"city":"Paris","days":[1,2,3],"unit":"celsius"}"#)])
        #expect(chat.messages[2] == ChatMessage(role: .tool, content: .text("sunny"), toolCallID: "toolu_a8d92b2aa3c144a2a3725ee9"))
        #expect(chat.model == "middle/model")
        #expect(chat.maxTokens == 64)
    }

    @Test("1 count_tokens bodies decode without max_tokens and estimate sanely", arguments: names.filter { $0.contains("count_tokens") })
    func countTokens(name: String) throws {
        let captured = try Fixtures.captured(name)
        #expect(captured.path.hasPrefix("/v1/messages/count_tokens"))
        let request = try Fixtures.request(name)
        #expect(request.maxTokens == nil)
        let bytes = try Fixtures.bodyData(name).count
        let estimate = TokenEstimator.estimate(request)
        #expect(estimate > 0)
        #expect(estimate <= bytes / 2 + 16)
    }
}
