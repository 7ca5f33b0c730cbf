import ClaudeAPI
import Foundation
import Testing

/// Malformed bodies give a `DecodingError` that `describe(_:)` turns into a message naming the field.
@Suite("RequestDecodingError: describe(_:) names the field")
struct RequestDecodingErrorTests {
    func message(_ json: String) -> String? {
        do {
            _ = try JSONDecoder().decode(MessagesRequest.self, from: Data(json.utf8))
            return nil
        } catch let error as DecodingError {
            return describe(error)
        } catch {
            return "not a DecodingError: \(error)"
        }
    }

    @Test("not JSON")
    func notJSON() {
        #expect(message("this is not json") == "body: not valid JSON")
        #expect(message(#"{"model": "x", "messages": ["#) == "body: not valid JSON")
    }

    @Test("messages missing")
    func messagesMissing() {
        #expect(message(#"{"model": "claude-sonnet-4-5", "max_tokens": 10}"#) == "messages: field required")
    }

    @Test("model missing")
    func modelMissing() {
        #expect(message(#"{"messages": []}"#) == "model: field required")
    }

    @Test("wrong types name the field and the expected type")
    func wrongTypes() {
        #expect(message(#"{"model": "m", "messages": "hi"}"#) == "messages: expected an array")
        #expect(message(#"{"model": 5, "messages": []}"#) == "model: expected a string")
        #expect(message(#"{"model": "m", "messages": [], "max_tokens": "many"}"#) == "max_tokens: expected a number")
        #expect(message(#"{"model": "m", "messages": [], "stream": "yes"}"#) == "stream: expected a boolean")
        #expect(message(#"{"model": "m", "messages": [{"role": "user", "content": 7}]}"#) == "messages[0].content: expected a string or an array of content blocks")
        #expect(message(#"{"model": "m", "messages": [], "tools": [{"name": 3}]}"#) == "tools[0].name: expected a string")
    }

    @Test("null where a value is required")
    func nullValue() {
        #expect(message(#"{"model": "m", "messages": null}"#) == "messages: expected an array, got null")
    }

    @Test("missing field inside a block")
    func missingNested() {
        #expect(message(#"{"model": "m", "messages": [{"role": "user", "content": [{"type": "text"}]}]}"#)
            == "messages[0].content[0].text: field required")
        #expect(message(#"{"model": "m", "messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": [{"type": "tool_use", "name": "x", "input": {}}]}]}"#)
            == "messages[1].content[0].id: field required")
        #expect(message(#"{"model": "m", "messages": [{"role": "user", "content": [{"type": "tool_result", "content": "x"}]}]}"#)
            == "messages[0].content[0].tool_use_id: field required")
    }

    @Test("bad image source")
    func badImageSource() {
        let json = #"{"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image", "source": {"type": "file", "file_id": "f_1"}}]}]}"#
        #expect(message(json) == #"messages[0].content[1].source.type: image source type must be "base64" or "url", not "file""#)
        let noData = #"{"model": "m", "messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/png"}}]}]}"#
        #expect(message(noData) == "messages[0].content[0].source.data: field required")
    }

    @Test("unknown role names the field")
    func unknownRole() {
        let text = message(#"{"model": "m", "messages": [{"role": "robot", "content": "hi"}]}"#)
        #expect(text?.hasPrefix("messages[0].role: ") == true)
    }
}
