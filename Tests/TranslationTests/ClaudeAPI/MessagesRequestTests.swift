import ClaudeAPI
import Foundation
import Testing

@Suite("MessagesRequest decoding")
struct MessagesRequestTests {
    func request(_ json: String) throws -> MessagesRequest {
        try JSONDecoder().decode(MessagesRequest.self, from: Data(json.utf8))
    }

    @Test("1 unknown top-level fields are tolerated")
    func unknownFields() throws {
        let r = try request("""
            {"model": "claude-opus-4-5", "max_tokens": 32000, "stream": true,
             "messages": [{"role": "user", "content": "hi"}],
             "context_management": {"edits": [{"type": "clear_thinking_20251015"}]},
             "safeguards": {"mode": "auto"}, "some_future_field": [1, 2, 3],
             "thinking": {"type": "adaptive", "display": "omitted"},
             "output_config": {"effort": "xhigh", "format": {"type": "json_schema", "schema": {}}},
             "tools": [{"name": "Read", "input_schema": {"type": "object"}, "defer_loading": true, "cache_control": {"type": "ephemeral"}}]}
            """)
        #expect(r.model == "claude-opus-4-5")
        #expect(r.maxTokens == 32000)
        #expect(r.thinking == ThinkingConfig(type: "adaptive"))
        #expect(r.outputConfig?.effort == "xhigh")
        #expect(r.tools == [Tool(name: "Read", inputSchema: ["type": "object"])])
    }

    @Test("1 content as a string or as blocks; role system accepted")
    func stringOrBlocks() throws {
        let r = try request("""
            {"model": "m", "messages": [
              {"role": "user", "content": "plain"},
              {"role": "system", "content": [{"type": "text", "text": "env"}]},
              {"role": "assistant", "content": [{"type": "text", "text": "a"}]},
              {"role": "system", "content": "env2"}]}
            """)
        #expect(r.messages == [
            Message(role: .user, text: "plain"),
            Message(role: .system, text: "env"),
            Message(role: .assistant, text: "a"),
            Message(role: .system, text: "env2"),
        ])
    }

    @Test("1 system as a string or a list of text blocks with cache_control")
    func systemShapes() throws {
        let a = try request(#"{"model":"m","messages":[],"system":"be brief"}"#)
        #expect(a.system == .text("be brief"))
        let b = try request(#"{"model":"m","messages":[],"system":[{"type":"text","text":"one","cache_control":{"type":"ephemeral"}},{"type":"text","text":"two"}]}"#)
        #expect(b.system?.textBlocks == ["one", "two"])
    }

    @Test("1 thinking variants and metadata decode")
    func thinkingVariants() throws {
        let enabled = try request(#"{"model":"m","messages":[],"thinking":{"type":"enabled","budget_tokens":2048},"metadata":{"user_id":"u1"}}"#)
        #expect(enabled.thinking == ThinkingConfig(type: "enabled", budgetTokens: 2048))
        #expect(enabled.thinking?.isOn == true)
        #expect(enabled.metadata?.userID == "u1")
        let disabled = try request(#"{"model":"m","messages":[],"thinking":{"type":"disabled"}}"#)
        #expect(disabled.thinking?.isOn == false)
    }

    @Test("1 count_tokens body (no max_tokens) decodes")
    func countTokensBody() throws {
        let r = try request(#"{"model":"claude-opus-5-5","messages":[{"role":"user","content":"x"}],"tools":[]}"#)
        #expect(r.maxTokens == nil)
        #expect(r.tools == [])
    }

    @Test("1 explicit nulls for optional fields are accepted")
    func nulls() throws {
        let r = try request(#"{"model":"m","messages":[],"system":null,"tools":null,"temperature":null,"stop_sequences":null}"#)
        #expect(r.system == nil && r.tools == nil && r.temperature == nil && r.stopSequences == nil)
    }
}
