import ClaudeAPI
import Foundation
import Testing
import Translation
@testable import Upstream

@Suite struct ServerToolRelayTests {
    static func start(input: Int = 100) -> StreamEvent {
        .messageStart(MessagesResponse(id: "msg_1", model: "m", content: [], usage: Usage(inputTokens: input)))
    }

    /// One round: text, then a call of `name` with `json` arguments.
    static func roundWithCall(_ name: String, json: String, text: String = "Let me look.", output: Int = 7) -> [StreamEvent] {
        [
            start(),
            .contentBlockStart(index: 0, block: .text(TextBlock(text: ""))),
            .contentBlockDelta(index: 0, delta: .text(text)),
            .contentBlockStop(index: 0),
            .contentBlockStart(index: 1, block: .toolUse(ToolUseBlock(id: "call_1", name: name, input: .object([:])))),
            .contentBlockDelta(index: 1, delta: .inputJSON("{\"query\":")),
            .contentBlockDelta(index: 1, delta: .inputJSON(json)),
            .contentBlockStop(index: 1),
            .messageDelta(stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 120, outputTokens: output)),
            .messageStop,
        ]
    }

    static func textRound(_ text: String, input: Int = 300, output: Int = 5) -> [StreamEvent] {
        [
            start(input: input),
            .contentBlockStart(index: 0, block: .text(TextBlock(text: ""))),
            .contentBlockDelta(index: 0, delta: .text(text)),
            .contentBlockStop(index: 0),
            .messageDelta(stopReason: .endTurn, stopSequence: nil, usage: Usage(outputTokens: output)),
            .messageStop,
        ]
    }

    @Test func aServerCallIsHeldAndComesOutAsServerToolUseWithItsResult() throws {
        var relay = ServerToolRelay(kinds: [.webSearch])
        relay.beginRound()
        let passed = Self.roundWithCall("web_search", json: "\"swift\"}").flatMap { relay.receive($0) }
        // message_start and the text pass; the call and the round's end are held.
        #expect(passed.map(\.name) == ["message_start", "content_block_start", "content_block_delta", "content_block_stop"])
        #expect(relay.roundComplete)
        #expect(!relay.calledClientTool)
        let call = try #require(relay.calls.first)
        #expect(relay.calls.count == 1)
        #expect(call.kind == .webSearch)
        #expect(call.id.hasPrefix("srvtoolu_") && call.id.count == "srvtoolu_".count + 24)
        #expect(call.input == ["query": "swift"])

        let result = ServerToolBlocks.searchResults(toolUseID: call.id, results: [ServerSearchResult(url: "https://a", title: "A", snippet: "s")])
        let events = relay.events(for: call, result: result, counted: true)
        #expect(events == [
            .contentBlockStart(index: 1, block: ServerToolBlocks.serverToolUse(id: call.id, kind: .webSearch, input: .object([:]))),
            .contentBlockDelta(index: 1, delta: .inputJSON(#"{"query":"swift"}"#)),
            .contentBlockStop(index: 1),
            .contentBlockStart(index: 2, block: result),
            .contentBlockStop(index: 2),
        ])

        // The next round: no second message_start, indexes go on from 3, usage is summed.
        relay.beginRound()
        let second = Self.textRound("Answer").flatMap { relay.receive($0) }
        #expect(second.map(\.name) == ["content_block_start", "content_block_delta", "content_block_stop"])
        #expect(second.first == .contentBlockStart(index: 3, block: .text(TextBlock(text: ""))))
        #expect(relay.calls.isEmpty)
        let end = relay.finish()
        #expect(end == [
            .messageDelta(
                stopReason: .endTurn, stopSequence: nil,
                usage: Usage(inputTokens: 420, outputTokens: 12, serverToolUse: ServerToolUsage(webSearchRequests: 1))),
            .messageStop,
        ])
    }

    @Test func theFoldHasTheServerBlocksWithTheirInput() throws {
        var relay = ServerToolRelay(kinds: [.webSearch])
        var fold = MessageAccumulator()
        relay.beginRound()
        for event in Self.roundWithCall("web_search", json: "\"q\"}").flatMap({ relay.receive($0) }) { fold.apply(event) }
        let call = try #require(relay.calls.first)
        for event in relay.events(for: call, result: ServerToolBlocks.searchError(toolUseID: call.id, code: "unavailable"), counted: false) {
            fold.apply(event)
        }
        relay.beginRound()
        for event in Self.textRound("Done").flatMap({ relay.receive($0) }) + relay.finish() { fold.apply(event) }
        let message = try #require(fold.message)
        #expect(message.content.map(\.type) == ["text", "server_tool_use", "web_search_tool_result", "text"])
        guard case .unknown(_, let use) = message.content[1] else { Issue.record("no server_tool_use"); return }
        #expect(use["input"] == ["query": "q"])
        #expect(use["name"] == "web_search")
        #expect(message.usage.serverToolUse == ServerToolUsage(webSearchRequests: 0))
        #expect(message.stopReason == .endTurn)
    }

    @Test func clientToolsPassThroughAndAreNoticed() {
        var relay = ServerToolRelay(kinds: [.webSearch])
        relay.beginRound()
        let passed = Self.roundWithCall("Bash", json: "\"ls\"}").flatMap { relay.receive($0) }
        #expect(relay.calls.isEmpty)
        #expect(relay.calledClientTool)
        #expect(passed.contains(.contentBlockStart(index: 1, block: .toolUse(ToolUseBlock(id: "call_1", name: "Bash", input: .object([:]))))))
        #expect(relay.finish().first == .messageDelta(
            stopReason: .toolUse, stopSequence: nil, usage: Usage(inputTokens: 120, outputTokens: 7, serverToolUse: ServerToolUsage())))
    }

    @Test func badArgumentsBecomeAnEmptyInput() throws {
        var relay = ServerToolRelay(kinds: [.webFetch])
        relay.beginRound()
        _ = Self.roundWithCall("web_fetch", json: "not json").flatMap { relay.receive($0) }
        #expect(try #require(relay.calls.first).input == .object([:]))
    }

    @Test func anErrorEndsIt() {
        var relay = ServerToolRelay(kinds: [.webSearch])
        relay.beginRound()
        let out = [Self.start(), StreamEvent.error(APIError(.api, "boom"))].flatMap { relay.receive($0) }
        #expect(out.map(\.name) == ["message_start", "error"])
        #expect(relay.failed)
        #expect(!relay.roundComplete)
    }

    @Test func pausingAtTheRoundLimit() {
        var relay = ServerToolRelay(kinds: [.webSearch])
        relay.beginRound()
        _ = Self.roundWithCall("web_search", json: "\"x\"}").flatMap { relay.receive($0) }
        guard case .messageDelta(let reason, _, _) = relay.finish(pausing: true).first else { Issue.record("no delta"); return }
        #expect(reason == .pauseTurn)
    }
}

@Suite struct ServerToolSetTests {
    static let request = MessagesRequest(
        model: "claude-sonnet-4-5",
        messages: [
            Message(role: .user, text: "news?"),
            Message(role: .assistant, content: [
                .text(TextBlock(text: "Searching.")),
                ServerToolBlocks.serverToolUse(id: "srvtoolu_1", kind: .webSearch, input: ["query": "news"]),
                ServerToolBlocks.searchResults(toolUseID: "srvtoolu_1", results: [ServerSearchResult(url: "https://n.com", title: "N", pageAge: "today", snippet: "big news")]),
                .text(TextBlock(text: "Here it is.")),
            ]),
            Message(role: .user, text: "more"),
        ],
        maxTokens: 100,
        tools: [
            Tool(name: "web_search", type: "web_search_20250305", serverOptions: ["max_uses": 2, "allowed_domains": ["n.com"]]),
            Tool(name: "web_fetch", type: "web_fetch_20250910", serverOptions: ["max_content_tokens": 500]),
            Tool(name: "Bash", inputSchema: ["type": "object"]),
        ])

    @Test func specsAreRead() {
        let set = ServerToolSet(Self.request)
        #expect(set[.webSearch] == ServerToolSpec(kind: .webSearch, maxUses: 2, allowedDomains: ["n.com"]))
        #expect(set[.webFetch] == ServerToolSpec(kind: .webFetch, maxUses: 5, maxContentTokens: 500))
    }

    @Test func upstreamRequestOffersFunctionToolsAndRewritesHistory() throws {
        let upstream = ServerToolSet(Self.request).upstreamRequest(Self.request, offering: [.webSearch])
        #expect(upstream.tools?.map(\.name) == ["web_search", "Bash"])
        #expect(upstream.tools?.allSatisfy(\.isClientTool) == true)
        #expect(upstream.messages.map(\.role) == [.user, .assistant, .user, .assistant, .user])
        #expect(upstream.messages[1].content == [
            .text(TextBlock(text: "Searching.")), .toolUse(ToolUseBlock(id: "srvtoolu_1", name: "web_search", input: ["query": "news"])),
        ])
        guard case .toolResult(let result) = upstream.messages[2].content.first, case .text(let text) = result.content.first else {
            Issue.record("no tool_result"); return
        }
        #expect(result.toolUseID == "srvtoolu_1")
        #expect(text.text.contains("https://n.com") && text.text.contains("big news") && text.text.contains("today"))
        // And it translates: the call and its result reach the upstream as a tool call and a tool message.
        let chat = try RequestTranslator(config: TranslationConfig()).translate(upstream, upstreamModel: "m").chat
        #expect(chat.messages.contains { $0.toolCalls?.first?.function.name == "web_search" })
        #expect(chat.messages.contains { $0.toolCallID == "srvtoolu_1" })
        #expect(chat.tools?.map(\.function.name) == ["web_search", "Bash"])
    }

    @Test func nothingOfferedLeavesOnlyClientTools() {
        let upstream = ServerToolSet(Self.request).upstreamRequest(Self.request, offering: [])
        #expect(upstream.tools?.map(\.name) == ["Bash"])
    }

    @Test func serverOptionsSurviveDecoding() throws {
        let body = #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"type":"web_search_20250305","name":"web_search","max_uses":3,"blocked_domains":["x.com"]}]}"#
        let fast = try MessagesRequest.decode(json: Array(body.utf8))
        #expect(ServerToolSet(fast)[.webSearch] == ServerToolSpec(kind: .webSearch, maxUses: 3, blockedDomains: ["x.com"]))
        let slow = try JSONDecoder().decode(MessagesRequest.self, from: Data(body.utf8))
        #expect(slow.tools == fast.tools)
    }

    @Test func encryptedContentRoundTrips() {
        #expect(ServerToolBlocks.decode(ServerToolBlocks.encode("héllo")) == "héllo")
        #expect(ServerToolBlocks.decode("EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5") == "")
    }
}
