import ClaudeAPI
import Foundation
import OpenAIAPI
import ScriptedUpstream
import Testing
import Translation
import Upstream

/// The whole pipeline against an in-process scripted upstream.
@Suite struct MessagesServiceTests {
    func text(of events: [StreamEvent]) -> String {
        events.compactMap { event -> String? in
            if case .contentBlockDelta(_, .text(let t)) = event { return t }
            return nil
        }.joined()
    }

    @Test func textAnswer() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("Hello there, Claude", chunks: 3))
            let events = try await h.events(claudeRequest("hi"))
            guard case .messageStart(let message)? = events.first else {
                Issue.record("first event is not message_start: \(events)")
                return
            }
            #expect(message.id.hasPrefix("msg_"))
            #expect(message.id.count == 28)
            #expect(message.model == "claude-sonnet-4-5")
            #expect(events.last == .messageStop)
            #expect(text(of: events) == "Hello there, Claude")
            #expect(!events.contains { if case .error = $0 { return true } else { return false } })
        }
    }

    @Test func theRequestIsRoutedAndTranslated() async throws {
        try await UpstreamHarness.with { h in
            _ = try await h.events(claudeRequest("hi", model: "claude-sonnet-4-5"))
            _ = try await h.events(claudeRequest("hi", model: "claude-3-5-haiku-latest"))
            let chats = h.upstream.chatRequests
            #expect(chats.map(\.model) == [TranslationConfig.defaultMiddleModel, TranslationConfig.defaultSmallModel])
            #expect(chats.allSatisfy { $0.stream == true && $0.streamOptions?.includeUsage == true })
        }
    }

    @Test func nonStreamedAnswerIsTheFold() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.reasoning("Two plus two.", text: "4", field: .reasoning), Shape(usage: .always)))
            let message = try await h.service.complete(claudeRequest("2+2?"))
            #expect(message.content.count == 2)
            if case .thinking(let block) = message.content.first {
                #expect(block.thinking == "Two plus two.")
            } else {
                Issue.record("expected a thinking block first: \(message.content)")
            }
            #expect(message.content.last == .text(TextBlock(text: "4")))
            #expect(message.stopReason == .endTurn)
            #expect(message.usage.outputTokens > 0)
        }
    }

    @Test func llamaCppToolCallBecomesOneToolUse() async throws {
        try await UpstreamHarness.with { h in
            let call = ScriptedToolCall(name: "get_weather", arguments: #"{"city":"Paris"}"#)
            h.upstream.enqueue(.respond(.toolCalls([call], style: ToolCallStyle(repeatHeaders: true, pieceSize: 3))))
            let tools = [Tool(name: "get_weather", description: "weather", inputSchema: ["type": "object"])]
            let message = try await h.service.complete(claudeRequest("weather?", tools: tools))
            #expect(message.stopReason == .toolUse)
            let uses = message.content.compactMap { block -> ToolUseBlock? in
                if case .toolUse(let use) = block { return use }
                return nil
            }
            #expect(uses.count == 1)
            #expect(uses.first?.name == "get_weather")
            #expect(uses.first?.input == ["city": "Paris"])
        }
    }

    @Test func parallelInterleavedCallsWithoutIDs() async throws {
        try await UpstreamHarness.with { h in
            let calls = [ScriptedToolCall(name: "a", arguments: #"{"x":1}"#), ScriptedToolCall(name: "b", arguments: #"{"y":2}"#)]
            h.upstream.enqueue(.respond(.toolCalls(calls, style: ToolCallStyle(omitIDs: true, interleave: true, pieceSize: 2))))
            let tools = [Tool(name: "a", inputSchema: ["type": "object"]), Tool(name: "b", inputSchema: ["type": "object"])]
            let message = try await h.service.complete(claudeRequest("go", tools: tools))
            let uses = message.content.compactMap { block -> ToolUseBlock? in
                if case .toolUse(let use) = block { return use }
                return nil
            }
            #expect(uses.map(\.name) == ["a", "b"])
            #expect(uses.map(\.input) == [["x": 1], ["y": 2]])
            #expect(uses.allSatisfy { $0.id.hasPrefix("toolu_") })
        }
    }

    @Test func errorBeforeFirstByteIsThrown() async throws {
        try await UpstreamHarness.with(maxRetries: 0) { h in
            h.upstream.enqueue(.error(404, shape: .detailString, message: "Model not found"))
            do {
                _ = try await h.service.stream(claudeRequest("hi"))
                Issue.record("expected a failure")
            } catch let error as UpstreamFailure {
                #expect(error.error.type == .notFound)
                #expect(error.error.message.contains(TranslationConfig.defaultMiddleModel))
            }
        }
    }

    func lastError(_ events: [StreamEvent]) -> APIError? {
        if case .error(let e)? = events.last { return e }
        return nil
    }

    @Test func resetMidStreamEndsWithAnErrorEvent() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.text("a b c d e f", chunks: 6), Shape(fault: .reset(after: 3))))
            let events = try await h.events(claudeRequest("hi"))
            #expect(events.first.map { if case .messageStart = $0 { true } else { false } } == true)
            #expect(lastError(events)?.type == .api)
            #expect(!events.contains(.messageStop))
        }
    }

    @Test func stallMidStreamEndsWithATimeoutEvent() async throws {
        try await UpstreamHarness.with(requestTimeout: 1.5) { h in
            h.upstream.enqueue(.respond(.text("a b c"), Shape(fault: .stall(after: 2, seconds: nil))))
            let events = try await h.events(claudeRequest("hi"))
            #expect(lastError(events)?.type == .timeout)
            #expect(await h.upstream.waitUntil { $0.first?.clientClosed == true })
        }
    }

    @Test func errorFrameEndsWithAnErrorEventWithoutTheKey() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(
                .respond(.text("a b c"), Shape(fault: .errorFrame(after: 2, message: "key \(testAPIKey) overloaded", type: "overloaded"))))
            let events = try await h.events(claudeRequest("hi"))
            let error = try #require(lastError(events))
            #expect(error.type == .overloaded)
            #expect(!error.message.contains(testAPIKey))
            await #expect(throws: UpstreamFailure.self) {
                h.upstream.enqueue(.respond(.text("a b c"), Shape(fault: .errorFrame(after: 2))))
                _ = try await h.service.complete(claudeRequest("hi"))
            }
        }
    }

    @Test func missingDoneStillStops() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("fine", Shape(usage: .never, done: false)))
            let events = try await h.events(claudeRequest("hi"))
            #expect(events.last == .messageStop)
            #expect(text(of: events) == "fine")
        }
    }

    @Test func malformedFrameIsSkipped() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.text("one two three"), Shape(fault: .malformed(after: 1))))
            let events = try await h.events(claudeRequest("hi"))
            #expect(events.last == .messageStop)
            #expect(text(of: events) == "one two three")
        }
    }

    @Test func cancellingTheConsumerClosesTheUpstreamRequest() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("a b c d e f g h i j k l m n o p", Shape(delay: 0.3)))
            let consumer = Task {
                var n = 0
                for await _ in try await h.service.stream(claudeRequest("hi")) { n += 1 }
                return n
            }
            #expect(await h.upstream.waitUntil { !$0.isEmpty })
            try await Task.sleep(for: .milliseconds(400))
            consumer.cancel()
            _ = try? await consumer.value
            #expect(await h.upstream.waitUntil(timeout: 5) { $0.first?.clientClosed == true })
        }
    }

    @Test func cancelEndsTheStreamWithoutClosingEventsAndClosesTheUpstreamRequest() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("a b c d e f g h i j k l m n o p", Shape(delay: 0.3)))
            let events = try await h.service.stream(claudeRequest("hi"))
            let seen = await Self.batches(of: events) { seen in
                seen.contains { if case .contentBlockDelta = $0 { true } else { false } }
            }.flatMap { $0 }
            #expect(events.isCancelled)
            #expect(!seen.contains(.messageStop), "a cancelled answer is not closed as if complete")
            #expect(await h.upstream.waitUntil(timeout: 5) { $0.first?.clientClosed == true })
        }
    }

    @Test func theEventsOfOneChunkComeInOneBatchAndSilencesAsEmptyBatches() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("one two", Shape(delay: 0.35)))
            let events = try await h.service.stream(claudeRequest("hi"), heartbeat: .milliseconds(100))
            let all = await Self.batches(of: events)
            let names = all.map { batch in batch.map(\.name) }
            #expect(names.first == ["message_start"])
            // The first text chunk opens the block and carries its delta: one batch of two.
            #expect(names.contains(["content_block_start", "content_block_delta"]), "\(names)")
            #expect(names.filter(\.isEmpty).count >= 2, "silences between chunks 350 ms apart")
            #expect(names.last?.last == "message_stop")
            #expect(text(of: all.flatMap { $0 }) == "one two")
        }
    }

    /// Every batch of `events`, calling `cancel()` once `cancelWhen` holds for the events so far.
    static func batches(
        of events: MessageEventStream, cancelWhen: ([StreamEvent]) -> Bool = { _ in false }
    ) async -> [[StreamEvent]] {
        var all: [[StreamEvent]] = []
        var iterator = events.makeBatchIterator()
        while let batch = await iterator.next() {
            all.append(batch)
            if cancelWhen(all.flatMap { $0 }) { events.cancel() }
        }
        return all
    }

    @Test func droppingTheStreamClosesTheUpstreamRequest() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("a b c d e f g h i j k l m n o p", Shape(delay: 0.3)))
            do {
                let events = try await h.service.stream(claudeRequest("hi"))
                for await event in events {
                    if case .contentBlockDelta = event { break }
                }
            }
            #expect(await h.upstream.waitUntil(timeout: 5) { $0.first?.clientClosed == true })
        }
    }

    @Test func theKeyNeverReachesALogLine() async throws {
        let logs = LogCollector()
        try await UpstreamHarness.with(maxRetries: 1, logs: logs) { h in
            let echo = "Incorrect API key provided: \(testAPIKey)"
            // Retried errors, a final error, a malformed frame and an error frame, all quoting the key.
            h.upstream.enqueue(.error(503, message: echo), .error(401, message: echo))
            _ = try? await h.service.stream(claudeRequest("hi"))
            h.upstream.enqueue(.respond(.text("a b c", chunks: 3), Shape(fault: .malformed(after: 1))))
            _ = try await h.events(claudeRequest("hi \(testAPIKey)"))
            h.upstream.enqueue(.respond(.text("a b c"), Shape(fault: .errorFrame(after: 1, message: echo))))
            let events = try await h.events(claudeRequest("hi"))
            #expect(!"\(events)".contains(testAPIKey))
        }
        #expect(!logs.lines.isEmpty)
        #expect(logs.lines.contains { $0.contains("upstream request") })
        #expect(logs.lines.contains { $0.contains("retrying") })
        #expect(logs.lines.contains { $0.contains("skipping") })
        for line in logs.lines {
            #expect(!line.contains(testAPIKey), "\(line)")
        }
    }

    @Test func imagesReachTheUpstream() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.imageCount))
            let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
            let request = MessagesRequest(
                model: "claude-sonnet-4-5",
                messages: [Message(role: .user, content: [.image(ImageBlock(source: .base64(mediaType: "image/png", data: png))), .text(TextBlock(text: "what is it?"))])],
                maxTokens: 100)
            let message = try await h.service.complete(request)
            #expect(message.content == [.text(TextBlock(text: "I received 1 image."))])
            #expect(h.upstream.chatRequests.first?.model == TranslationConfig.defaultVisionModel)
        }
    }
}
