import ClaudeAPI
import Logging
import OpenAIAPI
import ScriptedUpstream
import Synchronization
import Testing
import Translation
@testable import Upstream
import WebTools

/// Runs the server tools without I/O and records the calls.
final class FakeServerTools: ServerToolRunning {
    let available: Set<ServerToolKind>
    let calls = Mutex<[String]>([])
    init(available: Set<ServerToolKind> = [.webSearch, .webFetch]) { self.available = available }

    func run(_ kind: ServerToolKind, input: JSONValue, spec: ServerToolSpec, toolUseID: String) async -> ServerToolOutcome {
        let argument = input[kind.parameter].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? "?"
        calls.withLock { $0.append("\(kind.rawValue):\(argument)") }
        let results = [ServerSearchResult(url: "https://r.example/\(argument)", title: "R", snippet: "found \(argument)")]
        return ServerToolOutcome(
            block: ServerToolBlocks.searchResults(toolUseID: toolUseID, results: results),
            modelText: "RESULT for \(argument)", counted: true)
    }
}

@Suite struct ServerToolLoopTests {
    static let search = Tool(name: "web_search", type: "web_search_20250305", serverOptions: ["max_uses": 2])

    static func request(_ text: String = "look it up") -> MessagesRequest {
        MessagesRequest(model: "claude-sonnet-4-5", messages: [Message(role: .user, text: text)], maxTokens: 200, tools: [search])
    }

    func service(_ h: UpstreamHarness, _ tools: FakeServerTools) -> MessagesService {
        MessagesService(
            upstream: h.config, translation: TranslationConfig(), httpClient: h.http, logger: Logger(label: "t"),
            serverTools: tools)
    }

    func events(_ stream: MessageEventStream) async -> [StreamEvent] {
        var out: [StreamEvent] = []
        for await event in stream { out.append(event) }
        return out
    }

    @Test func twoSearchesThenTheAnswerAreOneMessage() async throws {
        try await UpstreamHarness.with(maxRetries: 0) { h in
            h.upstream.enqueue(
                .respond(.toolCalls([ScriptedToolCall(name: "web_search", arguments: #"{"query":"one"}"#)], text: "Looking.")),
                .respond(.toolCalls([ScriptedToolCall(name: "web_search", arguments: #"{"query":"two"}"#)])),
                .respond(.text("The answer.")))
            let tools = FakeServerTools()
            let all = await events(try await service(h, tools).stream(Self.request()))
            #expect(all.filter { $0.name == "message_start" }.count == 1)
            // Block indexes run on without gaps across the three rounds.
            let starts = all.compactMap { if case .contentBlockStart(let i, let b) = $0 { (i, b.type) } else { nil } }
            #expect(starts.map(\.0) == Array(0..<starts.count))
            #expect(starts.map(\.1) == ["text", "server_tool_use", "web_search_tool_result", "server_tool_use", "web_search_tool_result", "text"])
            #expect(tools.calls.withLock { $0 } == ["web_search:one", "web_search:two"])
            // The model read each result as a tool message; after two uses it is not offered again.
            let chats = h.upstream.chatRequests
            #expect(chats.count == 3)
            #expect(chats[1].messages.last?.role == .tool)
            #expect(chats[2].messages.filter { $0.role == .tool }.count == 2)
            #expect(chats[0].tools?.map(\.function.name) == ["web_search"])
            #expect(chats[2].tools == nil || chats[2].tools?.isEmpty == true)
            guard case .messageDelta(let reason, _, let usage) = all.dropLast().last else { Issue.record("no message_delta"); return }
            #expect(reason == .endTurn)
            #expect(usage.serverToolUse == ServerToolUsage(webSearchRequests: 2))
            #expect(all.last == .messageStop)
            // The fold is the same answer.
            var fold = MessageAccumulator()
            for event in all { fold.apply(event) }
            #expect(fold.message?.content.count == 6)
        }
    }

    @Test func aFailingLaterRoundEndsWithAnErrorEvent() async throws {
        try await UpstreamHarness.with(maxRetries: 0) { h in
            h.upstream.enqueue(
                .respond(.toolCalls([ScriptedToolCall(name: "web_search", arguments: #"{"query":"x"}"#)])),
                .httpError(HTTPErrorSpec(status: 400, message: "bad second round")))
            let all = await events(try await service(h, FakeServerTools()).stream(Self.request()))
            #expect(all.first?.name == "message_start")
            guard case .error(let error) = all.last else { Issue.record("no error event: \(all.map(\.name))"); return }
            #expect(error.type == .invalidRequest)
            #expect(all.contains { if case .contentBlockStart(_, let b) = $0 { b.type == "web_search_tool_result" } else { false } })
        }
    }

    @Test func aFailingFirstRoundIsThrownBeforeAnyByte() async throws {
        try await UpstreamHarness.with(maxRetries: 0) { h in
            h.upstream.enqueue(.httpError(HTTPErrorSpec(status: 400, message: "no")))
            do {
                _ = try await service(h, FakeServerTools()).stream(Self.request())
                Issue.record("expected a failure")
            } catch let failure as UpstreamFailure {
                #expect(failure.status == 400)
            }
        }
    }

    @Test func withoutABackendNothingIsOffered() async throws {
        try await UpstreamHarness.with(maxRetries: 0) { h in
            h.upstream.enqueue(.respond(.text("plain")))
            let all = await events(try await service(h, FakeServerTools(available: [])).stream(Self.request()))
            #expect(h.upstream.chatRequests.first?.tools == nil)
            #expect(all.last == .messageStop)
        }
    }

    @Test func theRealRunnerSaysWhatToSetAndRefusesLoopback() async {
        let runner = WebToolRunner(config: WebToolsConfig(), httpClient: PageFetcher.sharedHTTPClient, logger: Logger(label: "t"))
        #expect(runner.available == [.webFetch])
        let search = await runner.run(.webSearch, input: ["query": "x"], spec: ServerToolSpec(kind: .webSearch), toolUseID: "srvtoolu_1")
        #expect(search.block == ServerToolBlocks.searchError(toolUseID: "srvtoolu_1", code: "unavailable"))
        #expect(search.modelText.contains("WEB_SEARCH_PROVIDER"))
        #expect(!search.counted)
        let missing = await runner.run(.webSearch, input: [:], spec: ServerToolSpec(kind: .webSearch), toolUseID: "srvtoolu_2")
        #expect(missing.block == ServerToolBlocks.searchError(toolUseID: "srvtoolu_2", code: "invalid_tool_input"))
        let fetch = await runner.run(.webFetch, input: ["url": "http://127.0.0.1:1/"], spec: ServerToolSpec(kind: .webFetch), toolUseID: "srvtoolu_3")
        #expect(fetch.block == ServerToolBlocks.fetchError(toolUseID: "srvtoolu_3", code: "url_not_allowed"))
        #expect(fetch.modelText.contains("loopback"))
        // Fetch codes that a search result cannot carry become `unavailable` there.
        #expect(WebToolRunner.errorBlock(.webSearch, "id", code: "url_not_allowed") == ServerToolBlocks.searchError(toolUseID: "id", code: "unavailable"))
    }
}
