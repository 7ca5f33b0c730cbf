import ClaudeAPI
import Foundation
import OpenAIAPI
import ScriptedUpstream
import Testing
import Translation
import Upstream

/// `MessageEventStream` itself, over both of its iterators, against the scripted upstream:
/// `message_start` comes exactly once and first (issue 10: the batch iterator started a copy
/// of the translator, so the first chunk started the stored one again and every stream carried
/// two), the events keep the stream grammar, silences are empty batches that never restart the
/// message, and the non-streamed fold (`collect()`) agrees with the streamed events.
@Suite struct MessageEventStreamTests {
    /// One answer the upstream can give, and what the stream must look like.
    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        let behavior: Behavior
        let tools: [Tool]?
        /// The block kinds of the answer, or `nil` when it ends with an `error` event.
        let blocks: [String]?

        var testDescription: String { name }

        var request: MessagesRequest { claudeRequest("go", tools: tools) }
    }

    static let weather = [Tool(name: "get_weather", description: "weather", inputSchema: ["type": "object"])]

    static let scenarios: [Scenario] = [
        Scenario(name: "text", behavior: .respond(.text("Hello there, Claude", chunks: 3)), tools: nil, blocks: ["text"]),
        Scenario(
            name: "tool call",
            behavior: .respond(.toolCalls(
                [ScriptedToolCall(name: "get_weather", arguments: #"{"city":"Paris"}"#)], style: ToolCallStyle(pieceSize: 4))),
            tools: weather, blocks: ["tool_use"]),
        Scenario(
            name: "text then tool call",
            behavior: .respond(.toolCalls(
                [ScriptedToolCall(name: "get_weather", arguments: #"{"city":"Oslo"}"#)], text: "Let me look.")),
            tools: weather, blocks: ["text", "tool_use"]),
        Scenario(
            name: "reasoning",
            behavior: .respond(.reasoning("Two plus two.", text: "4", field: .reasoning), Shape(usage: .always)),
            tools: nil, blocks: ["thinking", "text"]),
        Scenario(name: "empty answer", behavior: .respond(.text("")), tools: nil, blocks: ["text"]),
        Scenario(
            name: "error frame mid-stream",
            behavior: .respond(.text("a b c d", chunks: 4), Shape(fault: .errorFrame(after: 2))), tools: nil, blocks: nil),
        Scenario(
            name: "error frame before any content",
            behavior: .respond(.text("a b c d", chunks: 4), Shape(fault: .errorFrame(after: 1))), tools: nil, blocks: nil),
        Scenario(
            name: "reset mid-stream",
            behavior: .respond(.text("a b c d e f", chunks: 6), Shape(fault: .reset(after: 3))), tools: nil, blocks: nil),
    ]

    // MARK: - The iterator

    @Test(arguments: scenarios)
    func theIteratorYieldsMessageStartOnceAndFirst(_ scenario: Scenario) async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(scenario.behavior)
            var events: [StreamEvent] = []
            for await event in try await h.service.stream(scenario.request) { events.append(event) }
            Self.expectGrammar(events, scenario)
        }
    }

    // MARK: - The batch iterator

    @Test(arguments: scenarios)
    func theFirstBatchIsMessageStartAloneAndNoOtherBatchHasOne(_ scenario: Scenario) async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(scenario.behavior)
            let batches = await Self.batches(of: try await h.service.stream(scenario.request))
            Self.expectBatches(batches, scenario)
            Self.expectGrammar(batches.flatMap { $0 }, scenario)
        }
    }

    /// The scenarios with frames to pace (an error frame right after the role chunk has none).
    static let paced = scenarios.filter { $0.name != "error frame before any content" }

    @Test(arguments: paced)
    func silencesAreEmptyBatchesAndNeverRestartTheMessage(_ scenario: Scenario) async throws {
        // 600 ms between frames, a heartbeat every 50 ms: silent batches between the chunks,
        // with room for a loaded machine that reads two frames at once now and then (the error
        // frame mid-stream has one gap only).
        guard case .respond(let answer, var shape) = scenario.behavior else {
            Issue.record("not a respond behaviour")
            return
        }
        shape.delay = 0.6
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(answer, shape))
            let stream = try await h.service.stream(scenario.request, heartbeat: .milliseconds(50))
            let batches = await Self.batches(of: stream)
            Self.expectBatches(batches, scenario)
            #expect(!batches.filter(\.isEmpty).isEmpty, "silent batches: \(batches.map { $0.map(\.name) })")
            let afterFirstSilence = batches.drop { !$0.isEmpty }.flatMap { $0 }
            #expect(!afterFirstSilence.contains { Self.isMessageStart($0) }, "a silence restarted the message")
            Self.expectGrammar(batches.flatMap { $0 }, scenario)
        }
    }

    /// The iterator over a batch iterator that yields silences: they are skipped, not events.
    @Test func theIteratorSkipsSilences() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.text("one two three", chunks: 3), Shape(delay: 0.15)))
            var events: [StreamEvent] = []
            for await event in try await h.service.stream(claudeRequest("hi"), heartbeat: .milliseconds(50)) {
                events.append(event)
            }
            Self.expectGrammar(events, Scenario(name: "text", behavior: .respond(.echo), tools: nil, blocks: ["text"]))
            #expect(Self.text(of: events) == "one two three")
        }
    }

    // MARK: - The fold

    @Test(arguments: scenarios)
    func collectAgreesWithTheStreamedEvents(_ scenario: Scenario) async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(scenario.behavior)
            let batches = await Self.batches(of: try await h.service.stream(scenario.request))
            var fold = MessageAccumulator()
            for event in batches.flatMap({ $0 }) { fold.apply(event) }

            h.upstream.enqueue(scenario.behavior)
            let collected: Result<MessagesResponse, UpstreamFailure>
            do {
                collected = .success(try await h.service.stream(scenario.request).collect())
            } catch let failure as UpstreamFailure {
                collected = .failure(failure)
            }

            switch collected {
            case .success(let message):
                #expect(scenario.blocks != nil, "a failed answer was collected as \(message)")
                let streamed = try #require(fold.message, "the streamed events fold into a message")
                #expect(fold.error == nil)
                // Two answers, two message ids (and tool call ids); everything else is the same.
                #expect(message.id.hasPrefix("msg_") && streamed.id.hasPrefix("msg_"))
                #expect(Self.withoutIDs(message) == Self.withoutIDs(streamed))
                #expect(message.content.map(Self.kind) == scenario.blocks)
            case .failure(let failure):
                #expect(scenario.blocks == nil, "a complete answer failed to collect: \(failure)")
                #expect(fold.error?.type == failure.error.type)
                #expect(fold.error?.message == failure.error.message)
            }
        }
    }

    // MARK: - Checks

    static func isMessageStart(_ event: StreamEvent) -> Bool {
        if case .messageStart = event { true } else { false }
    }

    /// `message` with its id and its tool call ids blanked.
    static func withoutIDs(_ message: MessagesResponse) -> MessagesResponse {
        var message = message
        message.id = ""
        message.content = message.content.map { block in
            guard case .toolUse(var use) = block else { return block }
            use.id = ""
            return .toolUse(use)
        }
        return message
    }

    static func kind(_ block: ContentBlock) -> String {
        switch block {
        case .text: "text"
        case .thinking: "thinking"
        case .toolUse: "tool_use"
        default: "other"
        }
    }

    static func text(of events: [StreamEvent]) -> String {
        events.compactMap { event -> String? in
            if case .contentBlockDelta(_, .text(let t)) = event { return t }
            return nil
        }.joined()
    }

    /// Every batch of `events`.
    static func batches(of events: MessageEventStream) async -> [[StreamEvent]] {
        var all: [[StreamEvent]] = []
        var iterator = events.makeBatchIterator()
        while let batch = await iterator.next() { all.append(batch) }
        return all
    }

    /// The first batch is `[message_start]` alone; no later batch carries one.
    static func expectBatches(_ batches: [[StreamEvent]], _ scenario: Scenario, sourceLocation: SourceLocation = #_sourceLocation) {
        let names = batches.map { $0.map(\.name) }
        #expect(names.first == ["message_start"], "\(scenario.name): \(names)", sourceLocation: sourceLocation)
        let later = batches.dropFirst().flatMap { $0 }.filter(isMessageStart).count
        #expect(later == 0, "\(scenario.name): message_start again in a later batch: \(names)", sourceLocation: sourceLocation)
    }

    /// The stream grammar of PROTOCOL 4: `message_start` once and first; blocks 0, 1, 2, ...
    /// one at a time, each started, given deltas of its kind and stopped; then `message_delta`
    /// and `message_stop` last, or an `error` event last.
    static func expectGrammar(_ events: [StreamEvent], _ scenario: Scenario, sourceLocation: SourceLocation = #_sourceLocation) {
        let names = events.map(\.name)
        let problems = grammarProblems(events)
        #expect(problems.isEmpty, "\(scenario.name): \(problems) in \(names)", sourceLocation: sourceLocation)
        #expect(events.filter(isMessageStart).count == 1, "\(scenario.name): \(names)", sourceLocation: sourceLocation)
        #expect(events.first.map(isMessageStart) == true, "\(scenario.name): \(names)", sourceLocation: sourceLocation)
        if let blocks = scenario.blocks {
            #expect(names.last == "message_stop", "\(scenario.name): \(names)", sourceLocation: sourceLocation)
            let started = events.compactMap { event -> String? in
                if case .contentBlockStart(_, let block) = event { return kind(block) }
                return nil
            }
            #expect(started == blocks, "\(scenario.name): \(names)", sourceLocation: sourceLocation)
        } else {
            #expect(names.last == "error", "\(scenario.name): \(names)", sourceLocation: sourceLocation)
            #expect(!names.contains("message_stop"), "\(scenario.name): \(names)", sourceLocation: sourceLocation)
        }
    }

    static func grammarProblems(_ events: [StreamEvent]) -> [String] {
        var problems: [String] = []
        var open: (index: Int, kind: String)?
        var next = 0
        var sawDelta = false
        var ended = false
        for (position, event) in events.enumerated() {
            let at = "event \(position) (\(event.name))"
            if ended { problems.append("\(at) after the end") }
            switch event {
            case .messageStart:
                if position != 0 { problems.append("\(at) is not first") }
            case .ping:
                break
            case .contentBlockStart(let index, let block):
                if let open { problems.append("\(at) while block \(open.index) is open") }
                if index != next { problems.append("\(at) index \(index), expected \(next)") }
                open = (index, kind(block))
            case .contentBlockDelta(let index, let delta):
                guard let current = open, current.index == index else {
                    problems.append("\(at) for block \(index), which is not open")
                    continue
                }
                let fits: Bool
                switch delta {
                case .text: fits = current.kind == "text"
                case .thinking, .signature: fits = current.kind == "thinking"
                case .inputJSON: fits = current.kind == "tool_use"
                }
                if !fits { problems.append("\(at) does not fit a \(current.kind) block") }
            case .contentBlockStop(let index):
                if open?.index != index { problems.append("\(at) stops block \(index), which is not open") }
                open = nil
                next += 1
            case .messageDelta:
                if let open { problems.append("\(at) while block \(open.index) is open") }
                if sawDelta { problems.append("\(at) a second message_delta") }
                sawDelta = true
            case .messageStop:
                if !sawDelta { problems.append("\(at) without message_delta") }
                ended = true
            case .error:
                ended = true
            }
        }
        if !ended { problems.append("no message_stop or error at the end") }
        return problems
    }
}
