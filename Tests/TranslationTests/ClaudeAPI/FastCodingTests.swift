import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

/// The fast decoders and writers of the wire types agree with their `Codable` conformances.
@Suite("Wire types: fast paths agree with Codable")
struct FastCodingTests {
    // MARK: MessagesRequest

    @Test("MessagesRequest.decode(json:) equals JSONDecoder on every fixture", arguments: Fixtures.claudeCodeNames)
    func requestFixtures(name: String) throws {
        let body = try Fixtures.bodyData(name)
        #expect(try MessagesRequest.decode(json: body) == JSONDecoder().decode(MessagesRequest.self, from: body))
        // And the fast path itself accepts it (no silent fallback).
        let value = try #require(JSONValue.parse(body))
        #expect(throws: Never.self) { try MessagesRequest(json: value) }
    }

    static let smallBodies = [
        #"{"model":"claude-sonnet-4-5","max_tokens":64,"system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"ok"}],"is_error":false},{"type":"document","source":{"type":"text","media_type":"text/plain","data":"d"},"title":"T"}]}],"tools":[{"name":"Bash","description":"d","input_schema":{"type":"object"}}],"tool_choice":{"type":"auto","disable_parallel_tool_use":true},"temperature":0.5,"top_p":1,"top_k":5,"stop_sequences":["x"],"metadata":{"user_id":"u"},"thinking":{"type":"enabled","budget_tokens":1024},"output_config":{"effort":"low"},"stream":true}"#,
        #"{"model":"m","messages":[{"role":"system","content":"env"},{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"redacted_thinking","data":"r"},{"type":"server_tool_use","id":"s","name":"web_search","input":{}}]}],"system":"plain"}"#,
        #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"effort":"medium","format":{"type":"json_schema","schema":{"type":"object","properties":{"title":{"type":"string"}}}}},"output_format":{"type":"json_schema","schema":{"type":"object"}}}"#,
    ]

    static let replacements: [JSONValue] = [.null, "str", 1, 2.5, true, [], [:], ["type": "text"], ["type": "text", "text": "t"], [1, "a"], -3, 1e3]

    /// A random change somewhere in `value`: a replaced, removed or added member.
    static func mutate(_ value: JSONValue, _ rng: inout SeededGenerator, depth: Int = 0) -> JSONValue {
        switch value {
        case .object(var members):
            let keys = members.keys.sorted()
            if keys.isEmpty || rng.chance(depth == 0 ? 0.05 : 0.25) {
                switch rng.int(0...2) {
                case 0: if let k = keys.isEmpty ? nil : rng.pick(keys) { members[k] = nil }
                case 1: members[rng.pick(["unknown_field", "type", "text", "content", "source", "id"])] = rng.pick(replacements)
                default: if let k = keys.isEmpty ? nil : rng.pick(keys) { members[k] = rng.pick(replacements) }
                }
                return .object(members)
            }
            let k = rng.pick(keys)
            members[k] = mutate(members[k] ?? .null, &rng, depth: depth + 1)
            return .object(members)
        case .array(var items):
            if items.isEmpty || rng.chance(0.2) { return rng.chance(0.5) ? .array(items + [rng.pick(replacements)]) : rng.pick(replacements) }
            let i = rng.int(0...(items.count - 1))
            items[i] = mutate(items[i], &rng, depth: depth + 1)
            return .array(items)
        default:
            return rng.pick(replacements)
        }
    }

    @Test("mutated bodies: the fast path and JSONDecoder both succeed with the same value, or both fail", arguments: 0..<4)
    func requestMutations(batch: Int) throws {
        for seed in UInt64(batch * 500)..<UInt64(batch * 500 + 500) {
            var rng = SeededGenerator(seed: seed)
            let original = try #require(JSONValue(parsing: rng.pick(Self.smallBodies)))
            var mutated = original
            for _ in 0..<rng.int(1...3) { mutated = Self.mutate(mutated, &rng) }
            var text = mutated.compactText
            if rng.chance(0.1) { text = text.replacingOccurrences(of: "}]", with: "},]") }  // trailing commas: Foundation accepts them
            if rng.chance(0.1) { text = text.replacingOccurrences(of: #"{"model":"#, with: #"{"model":"dup","model":"#) }
            let data = Data(text.utf8)
            let slow = Result { try JSONDecoder().decode(MessagesRequest.self, from: data) }
            let fast = Result { try MessagesRequest.decode(json: data) }
            switch (slow, fast) {
            case (.success(let a), .success(let b)): #expect(a == b, "seed \(seed): \(text)")
            case (.failure(let a as DecodingError), .failure(let b as DecodingError)): #expect(describe(a) == describe(b), "seed \(seed)")
            default: Issue.record("seed \(seed): \(slow) vs \(fast) for \(text)")
            }
        }
    }

    // MARK: ChatChunk

    @Test("ChatChunk.decode(json:) equals JSONDecoder on every upstream payload and answer")
    func chunkFixtures() throws {
        for name in Fixtures.names(in: "upstream", ext: "sse") {
            for payload in try Fixtures.ssePayloads(name) where payload != "[DONE]" {
                let data = Data(payload.utf8)
                #expect(try ChatChunk.decode(json: data) == JSONDecoder().decode(ChatChunk.self, from: data))
            }
        }
        let answer = try Fixtures.data("upstream/llamacpp-forced-tool-call.json")
        #expect(try ChatChunk.decode(json: answer) == JSONDecoder().decode(ChatChunk.self, from: answer))
    }

    static let chunkBodies = [
        #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"hi","reasoning_content":"r","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},"logprobs":null,"finish_reason":"stop","stop_reason":"END"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"prompt_tokens_details":{"cached_tokens":3}}}"#,
        #"{"choices":[{"message":{"content":null,"reasoning":"x","tool_calls":[{"id":"a","function":{"name":"g","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls","stop_reason":151643}],"error":null}"#,
        #"{"error":{"message":"boom","type":"server_error","code":500}}"#,
        #"{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"prompt_tokens_details":null,"completion_tokens_details":null,"reasoning_tokens":1}}"#,
    ]

    @Test("mutated chunks: the fast path and JSONDecoder agree", arguments: 0..<2)
    func chunkMutations(batch: Int) throws {
        for seed in UInt64(batch * 1000)..<UInt64(batch * 1000 + 1000) {
            var rng = SeededGenerator(seed: seed)
            var value = try #require(JSONValue(parsing: rng.pick(Self.chunkBodies)))
            for _ in 0..<rng.int(1...3) { value = Self.mutate(value, &rng) }
            let data = Data(value.compactText.utf8)
            let slow = Result { try JSONDecoder().decode(ChatChunk.self, from: data) }
            let fast = Result { try ChatChunk.decode(json: data) }
            switch (slow, fast) {
            case (.success(let a), .success(let b)): #expect(a == b, "seed \(seed): \(value.compactText)")
            case (.failure, .failure): break
            default: Issue.record("seed \(seed): \(slow) vs \(fast) for \(value.compactText)")
            }
        }
    }

    // MARK: ChatRequest

    @Test("ChatRequest.jsonBytes() is the same JSON as JSONEncoder", arguments: Fixtures.claudeCodeNames)
    func chatRequest(name: String) throws {
        let chat = try translateRequest(Fixtures.request(name)).chat
        let fast = try #require(JSONValue.parse(chat.jsonBytes()))
        let slow = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(chat))
        #expect(fast == slow)
        #expect(try JSONDecoder().decode(ChatRequest.self, from: Data(chat.jsonBytes())) == chat)
    }

    @Test("ChatRequest.jsonBytes() with every optional field and content shape")
    func chatRequestAllFields() throws {
        var chat = ChatRequest(model: "m/x", messages: [
            ChatMessage(role: .system, content: .text("s/\n")),
            ChatMessage(role: .user, content: .parts([.text("t"), .imageURL("data:image/png;base64,AA==")])),
            ChatMessage(role: .assistant, content: .text(""), toolCalls: [ToolCall(id: "c", name: "f", arguments: #"{"a":"\"/"}"#)], reasoningContent: "r"),
            ChatMessage(role: .tool, content: .text("out"), toolCallID: "c"),
            ChatMessage(role: .assistant, content: nil),
        ])
        chat.maxTokens = 10; chat.temperature = 0.7; chat.topP = 0.95; chat.topK = 20; chat.stop = ["a", "b"]
        chat.stream = true; chat.streamOptions = StreamOptions(includeUsage: true); chat.parallelToolCalls = false
        chat.user = "u"; chat.reasoningEffort = "high"; chat.toolChoice = ["type": "function", "function": ["name": "f"]]
        chat.responseFormat = .jsonSchema(name: "output", schema: ["type": "object", "properties": ["t": ["type": "string"]]], strict: true)
        chat.tools = [ChatTool(function: FunctionDefinition(name: "f", description: nil, parameters: ["type": "object"])),
                      ChatTool(function: FunctionDefinition(name: "g", description: "d", parameters: [:]))]
        let fast = try #require(JSONValue.parse(chat.jsonBytes()))
        #expect(fast == (try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(chat))))
    }

    // MARK: Events and messages

    func foundationFrame(_ event: StreamEvent, slashes: Bool) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = slashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        return Array("event: \(event.name)\ndata: ".utf8) + Array(try e.encode(event)) + [0x0A, 0x0A]
    }

    @Test("4 SSE frames written directly are byte for byte JSONEncoder's with sorted keys")
    func frames() throws {
        var events: [StreamEvent] = [
            .ping, .messageStop, .error(APIError(.overloaded, "busy \"now\" / later")),
            .messageDelta(stopReason: nil, stopSequence: nil, usage: Usage()),
            .messageDelta(stopReason: .stopSequence, stopSequence: "</a>", usage: Usage(inputTokens: 1, outputTokens: 2, cacheCreationInputTokens: 3, cacheReadInputTokens: 4)),
            .contentBlockStart(index: 3, block: .unknown(type: "x", raw: ["type": "x", "n": [1, 2.5, nil], "s": "a/b"])),
            .contentBlockStart(index: 0, block: .image(ImageBlock(source: .base64(mediaType: "image/png", data: "AA/+")))),
            .contentBlockStart(index: 0, block: .image(ImageBlock(source: .url("https://e.x/a")))),
            .contentBlockStart(index: 0, block: .document(DocumentBlock(source: .text("t"), title: "T"))),
            .contentBlockStart(index: 0, block: .document(DocumentBlock(source: .content([text("c")])))),
            .contentBlockStart(index: 0, block: .document(DocumentBlock(source: .base64(mediaType: "application/pdf", data: "JVB")))),
            .contentBlockStart(index: 0, block: .document(DocumentBlock(source: .url("u")))),
            .contentBlockStart(index: 0, block: toolResult("t", [text("r")], isError: true)),
            .contentBlockStart(index: 0, block: toolResult("t", [])),
            .contentBlockStart(index: 0, block: .redactedThinking(data: "d")),
            .contentBlockStart(index: 1, block: toolUse("id", "name", ["a": ["b": "c/d"]])),
        ]
        for seed in UInt64(0)..<200 {
            let s = StreamPropertyTests.scenario(seed: seed)
            events += translate(s.chunks, toolNames: s.names)
        }
        for event in events {
            for slashes in [true, false] {
                #expect(event.sseFrameBytes(escapingSlashes: slashes) == (try foundationFrame(event, slashes: slashes)), "\(event)")
            }
        }
        // sseFrame(encoder:) takes the fast path for plain encoders and gives the same JSON for others.
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
        for event in events.prefix(50) {
            let a = try event.sseFrame(encoder: JSONEncoder())
            let b = try event.sseFrame(encoder: pretty)
            func json(_ frame: Data) -> JSONValue? {
                let text = String(decoding: frame, as: UTF8.self)
                guard let range = text.range(of: "data: ") else { return nil }
                return JSONValue(parsing: String(text[range.upperBound...]))
            }
            #expect(json(a) != nil && json(a) == json(b))
        }
    }

    @Test("3 MessagesResponse.jsonBytes() is byte for byte JSONEncoder's with sorted keys")
    func responses() throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        for seed in UInt64(0)..<200 {
            let s = StreamPropertyTests.scenario(seed: seed)
            let message = try #require(fold(translate(s.chunks, toolNames: s.names)).message)
            #expect(message.jsonBytes() == Array(try e.encode(message)), "seed \(seed)")
        }
    }
}
