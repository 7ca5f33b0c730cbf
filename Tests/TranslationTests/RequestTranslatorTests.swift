import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

@Suite("RequestTranslator (PROTOCOL 2.2-2.10)")
struct RequestTranslatorTests {
    // MARK: 2.2 System

    @Test("2.2 system string becomes one leading system message")
    func systemString() throws {
        let r = MessagesRequest(model: "m", messages: [user(text("hi"))], system: .text("be brief"))
        let messages = try translateRequest(r).chat.messages
        #expect(messages.map(\.role) == [.system, .user])
        #expect(messages[0].textContent == "be brief")
    }

    @Test("2.2 system blocks joined with a blank line, billing header and cache_control dropped")
    func systemBlocks() throws {
        let json = """
            {"model":"m","messages":[{"role":"user","content":"hi"}],"system":[
              {"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.332.0b8; cc_entrypoint=sdk-cli;"},
              {"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}},
              {"type":"text","text":"Be careful.","cache_control":{"type":"ephemeral","ttl":"1h"}}]}
            """
        let r = try JSONDecoder().decode(MessagesRequest.self, from: Data(json.utf8))
        let messages = try translateRequest(r).chat.messages
        #expect(messages[0] == ChatMessage(role: .system, content: .text("You are Claude Code.\n\nBe careful.")))
        let wire = try wireJSON(translateRequest(r).chat)
        #expect(!wire.compactText.contains("billing"))
        #expect(!wire.compactText.contains("cache_control"))
    }

    @Test("2.2 a billing header line inside a longer block: only that line goes")
    func billingLineInBlock() throws {
        let r = MessagesRequest(model: "m", messages: [user(text("hi"))],
                                system: .text("x-anthropic-billing-header: cc_version=1; cc_entrypoint=cli;\nReal prompt.\nMore."))
        #expect(try translateRequest(r).chat.messages[0].textContent == "Real prompt.\nMore.")
    }

    @Test("2.2 only a line that starts with the billing header goes", arguments: [
        ("x-anthropic-billing-header: a;", nil),
        ("intro\nx-anthropic-billing-header: a;\nrest", "intro\nrest"),
        ("mentions x-anthropic-billing-header: inline", "mentions x-anthropic-billing-header: inline"),
        ("xx-anthropic-billing-header: a", "xx-anthropic-billing-header: a"),
        ("x-anthropic-billing-heade", "x-anthropic-billing-heade"),
        ("x-", "x-"),
        ("   \n\t", nil),
        ("\u{3000}", nil),
        ("é", "é"),
    ] as [(String, String?)])
    func billingLines(text: String, expected: String?) {
        #expect(RequestTranslator.withoutBillingHeader(text) == expected)
    }

    @Test("2.2 role: system messages are folded, in order, into the one leading system message")
    func systemMessagesFolded() throws {
        let r = MessagesRequest(model: "m", messages: [
            user(text("first")), system(text("env block")), assistant(text("ok")), system(text("later note")), user(text("second")),
        ], system: .blocks([TextBlock(text: "main prompt")]))
        let messages = try translateRequest(r).chat.messages
        #expect(messages.map(\.role) == [.system, .user, .assistant, .user])
        #expect(messages[0].textContent == "main prompt\n\nenv block\n\nlater note")
        #expect(messages.filter { $0.role == .system }.count == 1)
    }

    @Test("2.2 role: system messages alone still make one leading system message; none at all makes none")
    func systemOnlyFromMessages() throws {
        let a = try translateMessages([user(text("a")), system(text("env"))])
        #expect(a.map(\.role) == [.system, .user])
        #expect(a[0].textContent == "env")
        let b = try translateMessages([user(text("a"))])
        #expect(b.map(\.role) == [.user])
        let c = try translateRequest(MessagesRequest(model: "m", messages: [user(text("a"))],
                                                     system: .text("x-anthropic-billing-header: cc_version=1;"))).chat.messages
        #expect(c.map(\.role) == [.user])
    }

    // MARK: 2.3 User content

    @Test("2.3 text-only user message is a plain string; empty text is skipped")
    func plainString() throws {
        let messages = try translateMessages([user(text("a"), text(""), text("b"))])
        #expect(messages == [ChatMessage(role: .user, content: .text("a\nb"))])
    }

    @Test("2.3 base64 image -> data URI image_url part; url image -> that url")
    func images() throws {
        let messages = try translateMessages([user(
            .image(ImageBlock(source: .base64(mediaType: "image/jpeg", data: "/9j/4AAQ"))),
            .image(ImageBlock(source: .url("https://example.com/cat.png"))),
            text("what are these?"))])
        #expect(messages == [ChatMessage(role: .user, content: .parts([
            .imageURL("data:image/jpeg;base64,/9j/4AAQ"), .imageURL("https://example.com/cat.png"), .text("what are these?"),
        ]))])
        let wire = try wireJSON(ChatRequest(model: "m", messages: messages))
        #expect(wire["messages"]?.arrayValue?[0]["content"]?.arrayValue?[0]
            == ["type": "image_url", "image_url": ["url": "data:image/jpeg;base64,/9j/4AAQ"]])
    }

    @Test("2.3 documents with a text source become text")
    func textDocuments() throws {
        let plain = Data("hello from base64".utf8).base64EncodedString()
        let messages = try translateMessages([user(
            .document(DocumentBlock(source: .text("doc text"), title: "Notes")),
            .document(DocumentBlock(source: .content([text("c1"), text("c2")]))),
            .document(DocumentBlock(source: .base64(mediaType: "text/plain", data: plain))),
            text("summarise"))])
        #expect(messages == [ChatMessage(role: .user, content: .text("Notes\n\ndoc text\nc1\nc2\nhello from base64\nsummarise"))])
    }

    @Test("2.3 a PDF document is a clear 400 invalid_request_error")
    func pdf() {
        let r = MessagesRequest(model: "m", messages: [user(.document(DocumentBlock(source: .base64(mediaType: "application/pdf", data: "JVBERi0xLjQ="))), text("read"))])
        do {
            _ = try translateRequest(r)
            Issue.record("expected an error")
        } catch let error as APIError {
            #expect(error.type == .invalidRequest)
            #expect(error.type.httpStatus == 400)
            #expect(error.message.contains("application/pdf"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("1 unknown block types are dropped (with a note), never an error")
    func unknownDropped() throws {
        let t = try translateRequest(MessagesRequest(model: "m", messages: [
            user(text("a"), .unknown(type: "future_block", raw: ["type": "future_block"])),
            assistant(.unknown(type: "server_tool_use", raw: [:]), text("b")),
        ]))
        #expect(t.chat.messages == [ChatMessage(role: .user, content: .text("a")), ChatMessage(role: .assistant, content: .text("b"))])
        #expect(t.notes.count == 2)
    }

    // MARK: 2.4 Tool results

    @Test("2.4 tool_result goes before user text")
    func toolResultFirst() throws {
        let messages = try translateMessages([
            user(text("list files")),
            assistant(toolUse("toolu_1", "Bash", ["command": "ls"])),
            user(text("also this"), toolResult("toolu_1", [text("a.txt")])),
        ])
        #expect(messages.map(\.role) == [.user, .assistant, .tool, .user])
        #expect(messages[2] == ChatMessage(role: .tool, content: .text("a.txt"), toolCallID: "toolu_1"))
        #expect(messages[3].textContent == "also this")
    }

    @Test("2.4 several results keep their order; list content is flattened to text")
    func flatten() throws {
        let messages = try translateMessages([
            assistant(toolUse("a", "Read"), toolUse("b", "Read")),
            user(toolResult("a", [text("line 1"), text("line 2")]), toolResult("b", [text("other")])),
        ])
        #expect(messages == [
            ChatMessage(role: .assistant, content: .text(""), toolCalls: [
                ToolCall(id: "a", name: "Read", arguments: "{}"), ToolCall(id: "b", name: "Read", arguments: "{}"),
            ]),
            ChatMessage(role: .tool, content: .text("line 1\nline 2"), toolCallID: "a"),
            ChatMessage(role: .tool, content: .text("other"), toolCallID: "b"),
        ])
    }

    @Test("2.4 is_error: true prefixes Error: ")
    func isError() throws {
        let messages = try translateMessages([assistant(toolUse("a", "Bash")), user(toolResult("a", [text("permission denied")], isError: true))])
        #expect(messages[1].textContent == "Error: permission denied")
    }

    @Test("2.4 images in a tool result move into a user message right after the tool messages")
    func imagesInToolResult() throws {
        let messages = try translateMessages([
            assistant(toolUse("a", "Screenshot"), toolUse("b", "Bash")),
            user(toolResult("a", [text("captured"), pngImage("AAAA")]), toolResult("b", [text("ok")]), text("look")),
        ])
        #expect(messages.map(\.role) == [.assistant, .tool, .tool, .user])
        #expect(messages[1].textContent == "captured")
        #expect(messages[3].parts == [.imageURL("data:image/png;base64,AAAA"), .text("look")])
    }

    // MARK: 2.5 Assistant content

    @Test("2.5 text joined; tool_use -> tool_calls with arguments as compact JSON")
    func assistantContent() throws {
        let messages = try translateMessages([
            user(text("q")),
            assistant(text("Let me look."), text("Running:"), toolUse("toolu_9", "Bash", ["command": "ls -la", "timeout": 30, "flags": [1, 2]])),
            user(toolResult("toolu_9", [text("ok")])),
        ])
        let a = messages[1]
        #expect(a.textContent == "Let me look.\nRunning:")
        #expect(a.toolCalls == [ToolCall(id: "toolu_9", name: "Bash", arguments: #"{"command":"ls -la","flags":[1,2],"timeout":30}"#)])
        #expect(JSONValue(parsing: a.toolCalls?[0].function.arguments ?? "") == ["command": "ls -la", "timeout": 30, "flags": [1, 2]])
    }

    @Test("2.5 thinking -> reasoning_content; signatures dropped")
    func thinking() throws {
        let messages = try translateMessages([
            user(text("q")),
            assistant(.thinking(ThinkingBlock(thinking: "I should list.", signature: "EqQBCkgIARABGAIiQ...")), toolUse("t", "Bash")),
            user(toolResult("t", [text("r")])),
        ])
        #expect(messages[1].reasoningContent == "I should list.")
        let wire = try wireJSON(ChatRequest(model: "m", messages: messages))
        #expect(!wire.compactText.contains("EqQBCkgIARABGAIiQ"))
        #expect(!wire.compactText.contains("signature"))
    }

    @Test("2.5 tool calls without text send content \"\", never null")
    func emptyContentNotNull() throws {
        let t = try translateRequest(MessagesRequest(model: "m", messages: [
            user(text("q")), assistant(toolUse("t", "Bash", ["command": "pwd"])), user(toolResult("t", [text("/")])),
        ]))
        let wire = try wireJSON(t.chat)
        let assistantMessage = try #require(wire["messages"]?.arrayValue?.first { $0["role"] == "assistant" })
        #expect(assistantMessage["content"] == "")
    }

    // MARK: 2.6 Turn hygiene

    @Test("2.6 consecutive messages of the same role are merged")
    func merge() throws {
        let messages = try translateMessages([user(text("a")), user(text("b")), assistant(text("c")), assistant(text("d")), user(text("e"))])
        #expect(messages == [
            ChatMessage(role: .user, content: .text("a\nb")),
            ChatMessage(role: .assistant, content: .text("c\nd")),
            ChatMessage(role: .user, content: .text("e")),
        ])
    }

    @Test("2.6 a tool_use whose result never arrives is dropped")
    func orphanCall() throws {
        let t = try translateRequest(MessagesRequest(model: "m", messages: [
            user(text("q")),
            assistant(text("trying"), toolUse("answered", "A"), toolUse("never", "B")),
            user(toolResult("answered", [text("r")])),
            assistant(toolUse("last", "C")),
        ]))
        let calls = t.chat.messages.flatMap { $0.toolCalls ?? [] }.map(\.id)
        #expect(calls == ["answered"])
        #expect(t.notes.contains { $0.contains("never") })
    }

    @Test("2.6 a tool_result whose call is unknown is not sent as a tool message")
    func orphanResult() throws {
        let messages = try translateMessages([user(toolResult("ghost", [text("r")]), text("hi"))])
        #expect(!messages.contains { $0.role == .tool })
        #expect(messages.count == 1)
        #expect(messages[0].textContent?.contains("r") == true)
    }

    @Test("2.6 no two messages of the same role in a row after orphans are dropped")
    func noSameRoleAfterDropping() throws {
        let messages = try translateMessages([
            user(text("a")), assistant(toolUse("never", "X")), user(text("b")),
            assistant(text("c")), user(.unknown(type: "x", raw: [:])), assistant(text("d")), user(text("e")),
        ])
        for (a, b) in zip(messages, messages.dropFirst()) where a.role != .tool {
            #expect(a.role != b.role, "\(messages.map(\.role))")
        }
        #expect(messages.map(\.role) == [.user, .assistant, .user])
        #expect(messages[0].textContent == "a\nb")
        #expect(messages[1].textContent == "c\nd")
    }

    @Test("2.6 every tool message answers a tool call sent earlier, and every call is answered")
    func pairing() throws {
        let messages = try translateMessages([
            user(toolResult("before", [text("x")])),
            assistant(toolUse("a", "A"), toolUse("b", "B")),
            user(toolResult("b", [text("rb")]), toolResult("zzz", [text("unknown")])),
            assistant(text("done")),
        ])
        var sent = Set<String>()
        var answered = Set<String>()
        for m in messages {
            for c in m.toolCalls ?? [] { sent.insert(c.id) }
            if m.role == .tool, let id = m.toolCallID {
                #expect(sent.contains(id))
                answered.insert(id)
            }
        }
        #expect(sent == answered)
        #expect(sent == ["b"])
    }

    // MARK: 2.7 Tools

    @Test("2.7 tools become function tools with the schema as parameters")
    func tools() throws {
        let schema: JSONValue = ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"], "additionalProperties": false]
        let t = try translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], tools: [
            Tool(name: "get_weather", description: "weather", inputSchema: schema),
            Tool(name: "no_schema"),
            Tool(name: "custom_one", inputSchema: ["type": "object"], type: "custom"),
        ]))
        #expect(t.chat.tools == [
            ChatTool(function: FunctionDefinition(name: "get_weather", description: "weather", parameters: schema)),
            ChatTool(function: FunctionDefinition(name: "no_schema", description: nil, parameters: ["type": "object", "properties": [:]])),
            ChatTool(function: FunctionDefinition(name: "custom_one", description: nil, parameters: ["type": "object"])),
        ])
        let wire = try wireJSON(t.chat)
        #expect(wire["tools"]?.arrayValue?[0] == ["type": "function", "function": ["name": "get_weather", "description": "weather", "parameters": schema]])
    }

    @Test("2.7 server tools are not sent upstream")
    func serverTools() throws {
        let t = try translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], tools: [
            Tool(name: "web_search", type: "web_search_20250305"), Tool(name: "Bash", inputSchema: ["type": "object"]),
        ]))
        #expect(t.chat.tools?.map(\.function.name) == ["Bash"])
        let onlyServer = try translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], tools: [Tool(name: "web_search", type: "web_search_20250305")], toolChoice: ToolChoice(type: "auto")))
        #expect(onlyServer.chat.tools == nil)
        #expect(onlyServer.chat.toolChoice == nil)
    }

    @Test("2.7 names up to 64 characters are kept; longer ones are shortened reversibly everywhere")
    func longNames() throws {
        let exact = String(repeating: "a", count: 64)
        let long = "mcp__some_server_with_a_long_name__" + String(repeating: "do_something_", count: 4)
        #expect(long.count > 64)
        let t = try translateRequest(MessagesRequest(
            model: "m",
            messages: [user(text("q")), assistant(toolUse("t1", long)), user(toolResult("t1", [text("r")]))],
            tools: [Tool(name: exact), Tool(name: long)],
            toolChoice: ToolChoice(type: "tool", name: long)))
        let names = t.chat.tools?.map(\.function.name) ?? []
        #expect(names[0] == exact)
        #expect(names[1] != long && names[1].utf8.count <= 64)
        #expect(t.chat.messages[1].toolCalls?[0].function.name == names[1])
        #expect(t.chat.toolChoice == ["type": "function", "function": ["name": .string(names[1])]])
        #expect(t.toolNames.clientName(for: names[1]) == long)
        #expect(t.toolNames.clientName(for: exact) == exact)
    }

    // MARK: 2.8 tool_choice

    @Test("2.8 tool_choice mapping and disable_parallel_tool_use")
    func toolChoice() throws {
        func choice(_ c: ToolChoice) throws -> ChatRequest {
            try translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], tools: [Tool(name: "Bash")], toolChoice: c)).chat
        }
        #expect(try choice(ToolChoice(type: "auto")).toolChoice == "auto")
        #expect(try choice(ToolChoice(type: "any")).toolChoice == "required")
        #expect(try choice(ToolChoice(type: "none")).toolChoice == "none")
        #expect(try choice(ToolChoice(type: "tool", name: "Bash")).toolChoice == ["type": "function", "function": ["name": "Bash"]])
        #expect(try choice(ToolChoice(type: "auto", disableParallelToolUse: true)).parallelToolCalls == false)
        #expect(try choice(ToolChoice(type: "auto")).parallelToolCalls == nil)
        let wire = try wireJSON(choice(ToolChoice(type: "any", disableParallelToolUse: true)))
        #expect(wire["tool_choice"] == "required")
        #expect(wire["parallel_tool_calls"] == false)
    }

    // MARK: 2.9 Parameters

    @Test("2.9 max_tokens clamped to [MIN_TOKENS_LIMIT, MAX_TOKENS_LIMIT], small values kept")
    func maxTokens() throws {
        func clamp(_ asked: Int?, min: Int = 1, max: Int = 16384) throws -> Int? {
            let config = TranslationConfig(minTokens: min, maxTokens: max)
            return try translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], maxTokens: asked), config: config).chat.maxTokens
        }
        #expect(try clamp(128_000) == 16384)
        #expect(try clamp(1) == 1)
        #expect(try clamp(500) == 500)
        #expect(try clamp(1, min: 16) == 16)
        #expect(try clamp(0) == 1)
        #expect(try clamp(nil) == RequestTranslator.defaultMaxTokens, "no client value: the moderate default")
        #expect(try clamp(nil, max: 4096) == 4096)
        let wire = try wireJSON(translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], maxTokens: 10)).chat)
        #expect(wire["max_tokens"] == 10)
        #expect(wire["max_completion_tokens"] == nil)
    }

    @Test("2.9 stop_sequences -> stop; temperature, top_p, top_k copied; metadata.user_id -> user")
    func parameters() throws {
        let r = MessagesRequest(model: "m", messages: [user(text("q"))], maxTokens: 10, temperature: 0.3, topP: 0.9, topK: 40,
                                stopSequences: ["###", "END"], metadata: Metadata(userID: "user_abc"))
        let wire = try wireJSON(translateRequest(r).chat)
        #expect(wire["stop"] == ["###", "END"])
        #expect(wire["temperature"] == 0.3)
        #expect(wire["top_p"] == 0.9)
        #expect(wire["top_k"] == 40)
        #expect(wire["user"] == "user_abc")
        let bare = try wireJSON(translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], stopSequences: [])).chat)
        #expect(bare["stop"] == nil && bare["temperature"] == nil && bare["top_k"] == nil && bare["user"] == nil)
    }

    @Test("2.9 thinking -> reasoning_effort by budget; output_config.effort wins; disabled sends nothing")
    func reasoningEffort() throws {
        func effort(_ thinking: ThinkingConfig?, _ configured: String? = nil) throws -> String? {
            try translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], thinking: thinking,
                                                 outputConfig: configured.map { OutputConfig(effort: $0) })).chat.reasoningEffort
        }
        #expect(try effort(ThinkingConfig(type: "enabled", budgetTokens: 1024)) == "low")
        #expect(try effort(ThinkingConfig(type: "enabled", budgetTokens: 4096)) == "low")
        #expect(try effort(ThinkingConfig(type: "enabled", budgetTokens: 4097)) == "medium")
        #expect(try effort(ThinkingConfig(type: "enabled", budgetTokens: 16384)) == "medium")
        #expect(try effort(ThinkingConfig(type: "enabled", budgetTokens: 16385)) == "high")
        #expect(try effort(ThinkingConfig(type: "adaptive")) == "medium")
        #expect(try effort(ThinkingConfig(type: "enabled", budgetTokens: 32000), "low") == "low")
        #expect(try effort(ThinkingConfig(type: "adaptive"), "high") == "high")
        #expect(try effort(ThinkingConfig(type: "adaptive"), "xhigh") == "high")
        #expect(try effort(ThinkingConfig(type: "adaptive"), "max") == "high")
        #expect(try effort(ThinkingConfig(type: "disabled"), "high") == nil)
        #expect(try effort(nil) == nil)
        let wire = try wireJSON(translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], thinking: ThinkingConfig(type: "disabled"))).chat)
        #expect(wire["reasoning_effort"] == nil)
    }

    // MARK: 2.10 Streaming

    @Test("2.10 stream: true plus stream_options.include_usage, whatever the client asked")
    func streaming() throws {
        for stream in [true, false, nil] as [Bool?] {
            let wire = try wireJSON(translateRequest(MessagesRequest(model: "m", messages: [user(text("q"))], stream: stream)).chat)
            #expect(wire["stream"] == true)
            #expect(wire["stream_options"] == ["include_usage": true])
        }
    }

    @Test("2.1 the upstream model is the routed one")
    func upstreamModel() throws {
        let t = try translateRequest(MessagesRequest(model: "claude-haiku-4-5", messages: [user(text("q"))]))
        #expect(t.chat.model == "small/model")
    }
}

@Suite("2.9 max_tokens without a client value")
struct RequestTranslatorDefaultMaxTokensTests {
    @Test("2.9 no max_tokens: a moderate default, still within the limits")
    func defaultWhenAbsent() throws {
        let request = MessagesRequest(model: "claude-sonnet-4-5", messages: [Message(role: .user, text: "hi")])
        let wide = try RequestTranslator(config: TranslationConfig(maxTokens: 32768)).translate(request, upstreamModel: "m")
        #expect(wide.chat.maxTokens == RequestTranslator.defaultMaxTokens)
        let narrow = try RequestTranslator(config: TranslationConfig(maxTokens: 2048)).translate(request, upstreamModel: "m")
        #expect(narrow.chat.maxTokens == 2048)
    }
}
