import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

/// `output_config.format` / `output_format` -> `response_format` (PROTOCOL 8.4).
@Suite("StructuredOutput (PROTOCOL 8.4)")
struct StructuredOutputTests {
    static let titleSchema: JSONValue = [
        "type": "object", "properties": ["title": ["type": "string"]], "required": ["title"], "additionalProperties": false,
    ]

    /// The request decoded by `JSONDecoder`, after checking that the fast decoder accepts it and agrees.
    func decoded(_ json: String) throws -> MessagesRequest {
        let data = Data(json.utf8)
        let slow = try JSONDecoder().decode(MessagesRequest.self, from: data)
        let fast = Array(data).withUnsafeBufferPointer { MessagesRequest.fastDecode($0) }
        #expect(fast == slow)
        return slow
    }

    func body(_ fields: String) -> String {
        #"{"model":"claude-haiku-4-5","max_tokens":100,"messages":[{"role":"user","content":"Name this session"}],\#(fields)}"#
    }

    /// `response_format` as it goes upstream: parsed from `jsonBytes()`, checked against `JSONEncoder`'s.
    func wireResponseFormat(_ chat: ChatRequest) throws -> JSONValue? {
        let fast = try #require(JSONValue.parse(chat.jsonBytes()))
        #expect(fast == (try wireJSON(chat)))
        return fast["response_format"]
    }

    @Test("8.4 output_config.format json_schema -> response_format json_schema {name, schema, strict: true}")
    func outputConfigFormat() throws {
        let r = try decoded(body(#""output_config":{"format":{"type":"json_schema","schema":\#(Self.titleSchema.compactText)}}"#))
        #expect(r.outputConfig?.format == OutputFormat(type: "json_schema", schema: Self.titleSchema))
        let chat = try translateRequest(r).chat
        #expect(chat.responseFormat == .jsonSchema(name: "output", schema: Self.titleSchema, strict: true))
        #expect(try wireResponseFormat(chat) == [
            "type": "json_schema", "json_schema": ["name": "output", "schema": Self.titleSchema, "strict": true],
        ])
    }

    @Test("8.4 the deprecated top-level output_format gives the same response_format")
    func topLevelOutputFormat() throws {
        let r = try decoded(body(#""output_format":{"type":"json_schema","schema":\#(Self.titleSchema.compactText)}"#))
        #expect(r.outputFormat == OutputFormat(type: "json_schema", schema: Self.titleSchema))
        #expect(r.outputConfig == nil)
        let current = try decoded(body(#""output_config":{"format":{"type":"json_schema","schema":\#(Self.titleSchema.compactText)}}"#))
        #expect(try translateRequest(r).chat == translateRequest(current).chat)
    }

    @Test("8.4 both spellings: output_config.format wins")
    func bothSpellings() throws {
        let other: JSONValue = ["type": "object", "properties": ["n": ["type": "integer"]]]
        let r = try decoded(body(
            #""output_format":{"type":"json_schema","schema":\#(other.compactText)},"output_config":{"format":{"type":"json_schema","schema":\#(Self.titleSchema.compactText)}}"#))
        #expect(try translateRequest(r).chat.responseFormat?.jsonSchema?.schema == Self.titleSchema)
    }

    @Test("8.4 the upstream body holds the exact response_format text (sorted keys, compact)")
    func exactBodyText() throws {
        let schema: JSONValue = ["type": "object", "properties": ["title": ["type": "string"]]]
        let r = MessagesRequest(
            model: "m", messages: [user(text("hi"))], maxTokens: 10,
            outputConfig: OutputConfig(format: OutputFormat(type: "json_schema", schema: schema)))
        let wire = String(decoding: try translateRequest(r).chat.jsonBytes(), as: UTF8.self)
        #expect(wire.contains(
            #""response_format":{"json_schema":{"name":"output","schema":{"properties":{"title":{"type":"string"}},"type":"object"},"strict":true},"type":"json_schema"}"#))
    }

    @Test("8.4 name: the schema's title when it is a valid name, else output", arguments: [
        (JSONValue.string("session_title"), "session_title"),
        ("Title-2", "Title-2"),
        (.string(String(repeating: "a", count: 64)), String(repeating: "a", count: 64)),
        (.string(String(repeating: "a", count: 65)), "output"),
        ("Session title", "output"),
        ("", "output"),
        ("título", "output"),
        ("a.b", "output"),
        (7, "output"),
        (.null, "output"),
    ] as [(JSONValue, String)])
    func names(title: JSONValue, expected: String) throws {
        var schema: [String: JSONValue] = ["type": "object"]
        schema["title"] = title
        #expect(StructuredOutput.name(of: .object(schema)) == expected)
        let r = MessagesRequest(
            model: "m", messages: [user(text("hi"))],
            outputConfig: OutputConfig(format: OutputFormat(type: "json_schema", schema: .object(schema))))
        let format = try translateRequest(r).chat.responseFormat
        #expect(format?.jsonSchema?.name == expected)
        #expect(format?.jsonSchema?.strict == true)
        #expect(format?.jsonSchema?.schema == .object(schema))
    }

    @Test("8.4 output_config.effort is still accepted next to format and still sets reasoning_effort")
    func effortStillWorks() throws {
        let withThinking = try decoded(body(
            #""thinking":{"type":"adaptive"},"output_config":{"effort":"high","format":{"type":"json_schema","schema":{"type":"object"}}}"#))
        #expect(withThinking.outputConfig?.effort == "high")
        let chat = try translateRequest(withThinking).chat
        #expect(chat.reasoningEffort == "high")
        #expect(chat.responseFormat?.type == "json_schema")
        // Effort alone: no response_format.
        let effortOnly = try decoded(body(#""thinking":{"type":"adaptive"},"output_config":{"effort":"low"}"#))
        let plain = try translateRequest(effortOnly).chat
        #expect(plain.reasoningEffort == "low")
        #expect(plain.responseFormat == nil)
        #expect(try wireJSON(plain)["response_format"] == nil)
    }

    @Test("8.4 an unknown format type, or json_schema without an object schema, is left out with a note, never a 400", arguments: [
        #""output_config":{"format":{"type":"json_object"}}"#,
        #""output_config":{"format":{"type":"xml","schema":{"type":"object"}}}"#,
        #""output_format":{"type":"regex","pattern":"a+"}"#,
        #""output_config":{"format":{"type":"json_schema"}}"#,
        #""output_config":{"format":{"type":"json_schema","schema":null}}"#,
        #""output_config":{"format":{"type":"json_schema","schema":"not a schema"}}"#,
    ])
    func unsupportedFormats(fields: String) throws {
        let translated = try translateRequest(decoded(body(fields)))
        #expect(translated.chat.responseFormat == nil)
        #expect(translated.notes.contains { $0.hasPrefix("output format") }, "\(translated.notes)")
        #expect(String(decoding: translated.chat.jsonBytes(), as: UTF8.self).contains("response_format") == false)
    }

    @Test("8.4 output_config: null and format: null ask for nothing")
    func nulls() throws {
        for fields in [#""output_config":null"#, #""output_config":{"format":null}"#, #""output_format":null"#] {
            let translated = try translateRequest(decoded(body(fields)))
            #expect(translated.chat.responseFormat == nil)
            #expect(translated.notes.isEmpty)
        }
    }

    @Test("8.4 Claude Code's session-title request (cc_interactive_title_structured_output) -> response_format with its schema")
    func claudeCodeTitleFixture() throws {
        let name = "cc_interactive_title_structured_output.json"
        let bodyData = try Fixtures.bodyData(name)
        let request = try Fixtures.request(name)
        #expect(try MessagesRequest.decode(json: bodyData) == request)
        let raw = try Fixtures.captured(name).body
        let schema = try #require(raw["output_config"]?["format"]?["schema"])
        #expect(request.outputConfig == OutputConfig(effort: "medium", format: OutputFormat(type: "json_schema", schema: schema)))

        let chat = try translateRequest(request).chat
        #expect(try wireResponseFormat(chat) == [
            "type": "json_schema", "json_schema": ["name": "output", "schema": schema, "strict": true],
        ])
        #expect(schema == Self.titleSchema)
    }

    @Test("8.4 ResponseFormat round-trips through JSONDecoder; strict nil is left out")
    func responseFormatCoding() throws {
        let format = ResponseFormat.jsonSchema(name: "n", schema: ["type": "object"], strict: nil)
        var chat = ChatRequest(model: "m", messages: [ChatMessage(role: .user, content: .text("hi"))])
        chat.responseFormat = format
        #expect(try JSONDecoder().decode(ChatRequest.self, from: Data(chat.jsonBytes())) == chat)
        #expect(try wireResponseFormat(chat) == ["type": "json_schema", "json_schema": ["name": "n", "schema": ["type": "object"]]])
    }
}
