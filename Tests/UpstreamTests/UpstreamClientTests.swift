import ClaudeAPI
import Foundation
import OpenAIAPI
import ScriptedUpstream
import Testing

@testable import Upstream

/// The client against an in-process scripted upstream.
@Suite struct UpstreamClientTests {
    @Test func successStream() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("Hello from the upstream", chunks: 4, Shape(usage: .always)))
            let (chunks, failure) = try await h.collect(chat("hi"))
            #expect(failure == nil)
            #expect(contentText(chunks) == "Hello from the upstream")
            #expect(chunks.last?.usage != nil)
            #expect(h.upstream.chatRecords.first?.completed == true)
        }
    }

    @Test func requestCarriesKeyHeadersAndBody() async throws {
        try await UpstreamHarness.with(extraHeaders: [(name: "X-Team", value: "blue")]) { h in
            _ = try await h.collect(chat("hi"))
            let record = try #require(h.upstream.chatRecords.first)
            #expect(record.header("authorization") == "Bearer \(testAPIKey)")
            #expect(record.header("x-team") == "blue")
            #expect(record.header("content-type") == "application/json")
            #expect(record.path == "/v1/chat/completions")
            #expect(record.chat?.stream == true)
            #expect(record.chat?.model == "openai/gpt-oss-20b")
        }
    }

    struct StatusCase: Sendable, CustomTestStringConvertible {
        var status: Int
        var shape: ErrorShape
        var type: APIErrorType
        var testDescription: String { "\(status) \(shape.rawValue) -> \(type.rawValue)" }
    }

    static let statusCases: [StatusCase] = [
        .init(status: 400, shape: .openAI, type: .invalidRequest),
        .init(status: 422, shape: .detail, type: .invalidRequest),
        .init(status: 401, shape: .openAI, type: .authentication),
        .init(status: 403, shape: .object, type: .permission),
        .init(status: 404, shape: .detailString, type: .notFound),
        .init(status: 429, shape: .openAI, type: .rateLimit),
        .init(status: 500, shape: .object, type: .api),
        .init(status: 502, shape: .text, type: .api),
        .init(status: 503, shape: .openAI, type: .overloaded),
        .init(status: 504, shape: .detail, type: .timeout),
    ]

    @Test(arguments: statusCases)
    func errorStatusBecomesAFailure(_ c: StatusCase) async throws {
        try await UpstreamHarness.with(maxRetries: 0) { h in
            h.upstream.enqueue(.error(c.status, shape: c.shape, message: "scripted message \(c.status)"))
            do {
                _ = try await h.client.streamChat(chat("hi"))
                Issue.record("expected a failure")
            } catch let error as UpstreamFailure {
                #expect(error.error.type == c.type)
                #expect(error.upstreamStatus == c.status)
                #expect(error.error.message.contains("scripted message \(c.status)"), "\(error.error.message)")
            }
        }
    }

    @Test func retryAfterIsForwarded() async throws {
        try await UpstreamHarness.with(maxRetries: 0) { h in
            h.upstream.enqueue(.error(429, retryAfter: "7"))
            await #expect(throws: UpstreamFailure.self) {
                do {
                    _ = try await h.client.streamChat(chat("hi"))
                } catch let error as UpstreamFailure {
                    #expect(error.retryAfter == 7)
                    #expect(error.error.type == .rateLimit)
                    throw error
                }
            }
        }
    }

    @Test func aRetryAfterOverTheCapIsPassedOnNotWaitedFor() async throws {
        try await UpstreamHarness.with(maxRetries: 2) { h in
            h.upstream.enqueue(.error(429, retryAfter: "120"), .text("a retry must not happen"))
            let started = ContinuousClock.now
            do {
                _ = try await h.client.streamChat(chat("hi"))
                Issue.record("expected a failure")
            } catch let error as UpstreamFailure {
                #expect(error.retryAfter == 120)
                #expect(error.status == 429)
            }
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(h.upstream.chatRecords.count == 1)
        }
    }

    @Test func aHeartbeatReportsUpstreamSilence() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("one two three", Shape(delay: 0.35)))
            var silences = 0
            var chunks: [ChatChunk] = []
            for try await item in try await h.client.streamChat(chat("hi"), heartbeat: .milliseconds(100)) {
                switch item {
                case .silence: silences += 1
                case .chunk(let chunk): chunks.append(chunk)
                }
            }
            #expect(contentText(chunks) == "one two three")
            #expect(silences >= 4, "\(silences) silences over about a second of 350 ms gaps")
        }
    }

    @Test func withoutAHeartbeatThereIsNoSilence() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("one two", Shape(delay: 0.2)))
            for try await item in try await h.client.streamChat(chat("hi")) {
                if case .silence = item { Issue.record("a silence without a heartbeat") }
            }
        }
    }

    @Test func aConsumerThatStopsReadingStopsTheUpstreamReadAndLosesNothing() async throws {
        try await UpstreamHarness.with(chunkReadAhead: 8) { h in
            // 1,000 chunks of 50 bytes, sent as fast as the upstream can.
            h.upstream.enqueue(.respond(.huge(bytes: 50_000, chunkSize: 50)))
            let stream = try await h.client.streamChat(chat("hi"))
            try await Task.sleep(for: .milliseconds(800))
            let waiting = stream.credit.buffered
            #expect(waiting < 200, "\(waiting) of 1,000 chunks read ahead of a consumer that reads nothing (8 allowed, plus one network read)")
            var chunks: [ChatChunk] = []
            for try await item in stream {
                if case .chunk(let chunk) = item { chunks.append(chunk) }
            }
            #expect(contentText(chunks).utf8.count == 50_000)
            #expect(stream.credit.buffered == 0)
        }
    }

    @Test func waitingForASlowConsumerIsNotUpstreamSilence() async throws {
        // REQUEST_TIMEOUT is 2 s, not less: the whole suite runs in parallel, and on a loaded
        // 2-core machine the first frame alone can take most of a second.
        try await UpstreamHarness.with(requestTimeout: 2, chunkReadAhead: 4) { h in
            h.upstream.enqueue(.respond(.huge(bytes: 20_000, chunkSize: 50)))
            let stream = try await h.client.streamChat(chat("hi"))
            try await Task.sleep(for: .milliseconds(5000))  // 2.5x REQUEST_TIMEOUT without reading
            var chunks: [ChatChunk] = []
            for try await item in stream {
                if case .chunk(let chunk) = item { chunks.append(chunk) }
            }
            #expect(contentText(chunks).utf8.count == 20_000)
        }
    }

    @Test func retriesThenSucceeds() async throws {
        try await UpstreamHarness.with(maxRetries: 2) { h in
            h.upstream.enqueue(.error(503), .error(429), .text("finally"))
            let (chunks, failure) = try await h.collect(chat("hi"))
            #expect(failure == nil)
            #expect(contentText(chunks) == "finally")
            #expect(h.upstream.chatRecords.count == 3)
        }
    }

    @Test func failThenSucceedExpandsInTheQueue() async throws {
        try await UpstreamHarness.with(maxRetries: 2) { h in
            h.upstream.enqueue(.failThenSucceed(times: 2, failure: HTTPErrorSpec(status: 502), then: .text("ok")))
            let (chunks, _) = try await h.collect(chat("hi"))
            #expect(contentText(chunks) == "ok")
            #expect(h.upstream.chatRecords.map(\.behavior) == ["error", "error", "text"])
        }
    }

    @Test func retriesStopAtMaxRetries() async throws {
        try await UpstreamHarness.with(maxRetries: 2) { h in
            h.upstream.enqueue(.error(500), .error(500), .error(500), .error(500), .text("too late"))
            await #expect(throws: UpstreamFailure.self) { _ = try await h.client.streamChat(chat("hi")) }
            #expect(h.upstream.chatRecords.count == 3)
        }
    }

    @Test(arguments: [400, 401, 403, 404, 422])
    func noRetryOnClientErrors(_ status: Int) async throws {
        try await UpstreamHarness.with(maxRetries: 3) { h in
            h.upstream.enqueue(.error(status), .text("should not be used"))
            await #expect(throws: UpstreamFailure.self) { _ = try await h.client.streamChat(chat("hi")) }
            #expect(h.upstream.chatRecords.count == 1)
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        try await UpstreamHarness.with(maxRetries: 1, maxRetryDelay: 5) { h in
            h.upstream.enqueue(.error(429, retryAfter: "1"), .text("ok"))
            let (result, seconds) = try await elapsed { try await h.collect(chat("hi")) }
            #expect(contentText(result.chunks) == "ok")
            #expect(seconds >= 0.9)
        }
    }

    @Test func aRetryAfterOverTheCapEndsTheRetriesOf503Too() async throws {
        try await UpstreamHarness.with(maxRetries: 1, maxRetryDelay: 0.2) { h in
            h.upstream.enqueue(.error(503, retryAfter: "3600"), .text("ok"))
            do {
                _ = try await h.collect(chat("hi"))
                Issue.record("expected a failure")
            } catch let error as UpstreamFailure {
                #expect(error.status == 529)
                #expect(error.retryAfter == 3600)
            }
            #expect(h.upstream.chatRecords.count == 1)
        }
    }

    @Test func connectFailureNamesTheBaseURL() async throws {
        let port = try UpstreamHarness.closedPort()
        let base = "http://127.0.0.1:\(port)/v1"
        try await UpstreamHarness.with(maxRetries: 1, baseURL: base) { h in
            do {
                _ = try await h.client.streamChat(chat("hi"))
                Issue.record("expected a failure")
            } catch let error as UpstreamFailure {
                #expect(error.error.type == .api)
                #expect(error.status == 502, "PROTOCOL 5: connect failure -> 502-class api_error")
                #expect(error.error.message.contains(base), "\(error.error.message)")
                #expect(!error.error.message.contains(testAPIKey))
            }
            do {
                _ = try await h.client.models()
                Issue.record("expected a failure")
            } catch let error as UpstreamFailure {
                #expect(error.error.message.contains(base))
                #expect(error.status == 502)
            }
        }
    }

    @Test func stallBeforeFirstByteTimesOut() async throws {
        try await UpstreamHarness.with(requestTimeout: 0.5, maxRetries: 2) { h in
            h.upstream.enqueue(.stall(seconds: nil))
            do {
                _ = try await h.client.streamChat(chat("hi"))
                Issue.record("expected a timeout")
            } catch let error as UpstreamFailure {
                #expect(error.error.type == .timeout)
                #expect(error.error.type.httpStatus == 504)
            }
            // No retry after a timeout, and the stalled request was abandoned.
            #expect(h.upstream.chatRecords.count == 1)
            #expect(await h.upstream.waitUntil { $0.first?.clientClosed == true })
        }
    }

    @Test func stallMidStreamFailsTheStream() async throws {
        try await UpstreamHarness.with(requestTimeout: 1.5) { h in
            h.upstream.enqueue(.respond(.text("a b c d"), Shape(fault: .stall(after: 2, seconds: nil))))
            let (chunks, failure) = try await h.collect(chat("hi"))
            #expect(chunks.count == 2)
            #expect(failure?.error.type == .timeout)
        }
    }

    @Test func slowButSteadyStreamIsNotCut() async throws {
        // Timings with room for a loaded machine (the suite runs in parallel on 2 cores).
        try await UpstreamHarness.with(requestTimeout: 2) { h in
            // 8 frames 0.5 s apart: 3.5 s in total, never 2 s of silence.
            h.upstream.enqueue(.text("a b c d e", Shape(delay: 0.5)))
            let (chunks, failure) = try await h.collect(chat("hi"))
            #expect(failure == nil)
            #expect(contentText(chunks) == "a b c d e")
        }
    }

    @Test func resetMidStreamFailsTheStream() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.text("a b c d e f"), Shape(fault: .reset(after: 3))))
            let (chunks, failure) = try await h.collect(chat("hi"))
            // A TCP reset may discard frames the client kernel had not handed over yet.
            #expect(chunks.count <= 3)
            let error = try #require(failure).error
            #expect(error.type == .api)
            #expect(!error.message.contains(testAPIKey))
        }
    }

    @Test func resetAfterAllFramesStillFails() async throws {
        try await UpstreamHarness.with { h in
            // Every frame but the end of the chunked body: not a clean end.
            h.upstream.enqueue(.respond(.text("a b"), Shape(done: false, fault: .reset(after: 100))))
            let (_, failure) = try await h.collect(chat("hi"))
            #expect(failure != nil)
        }
    }

    @Test func missingDoneEndsCleanly() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("no done here", Shape(done: false)))
            let (chunks, failure) = try await h.collect(chat("hi"))
            #expect(failure == nil)
            #expect(contentText(chunks) == "no done here")
            #expect(chunks.contains { $0.choices.first?.finishReason == "stop" })
        }
    }

    @Test func malformedFrameIsSkipped() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.text("one two three"), Shape(fault: .malformed(after: 2))))
            let (chunks, failure) = try await h.collect(chat("hi"))
            #expect(failure == nil)
            #expect(contentText(chunks) == "one two three")
        }
    }

    @Test func errorFrameArrivesAsAChunk() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.respond(.text("one two three"), Shape(fault: .errorFrame(after: 2, message: "model crashed"))))
            let (chunks, failure) = try await h.collect(chat("hi"))
            #expect(failure == nil)
            #expect(chunks.last?.error?["message"] == "model crashed")
        }
    }

    @Test func aJSONAnswerToAStreamRequestIsOneChunk() async throws {
        try await UpstreamHarness.with { h in
            // The scripted upstream answers `stream: false` with a plain chat.completion body,
            // like a server that ignores `stream: true`.
            var request = chat("hi")
            request.stream = false
            h.upstream.enqueue(.text("whole answer"))
            let (chunks, failure) = try await h.collect(request)
            #expect(failure == nil)
            #expect(chunks.count == 1)
            #expect(contentText(chunks) == "whole answer")
            #expect(chunks.first?.choices.first?.finishReason == "stop")
        }
    }

    @Test func cancellingTheConsumerClosesTheUpstreamRequest() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.text("a b c d e f g h i j k l m n o p", Shape(delay: 0.3)))
            let consumer = Task {
                var n = 0
                for try await _ in try await h.client.streamChat(chat("hi")) {
                    n += 1
                }
                return n
            }
            #expect(await h.upstream.waitUntil { !$0.isEmpty })
            try await Task.sleep(for: .milliseconds(400))
            consumer.cancel()
            _ = try? await consumer.value
            #expect(await h.upstream.waitUntil(timeout: 5) { $0.first?.clientClosed == true })
            #expect(h.upstream.cancelledRequestCount == 1)
            #expect(h.upstream.chatRecords.first?.completed == false)
        }
    }

    @Test func cancellingWhileWaitingForTheStatusClosesTheRequest() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.enqueue(.stall(seconds: nil))
            let caller = Task { try await h.client.streamChat(chat("hi")) }
            #expect(await h.upstream.waitUntil { !$0.isEmpty })
            caller.cancel()
            await #expect(throws: UpstreamFailure.self) { _ = try await caller.value }
            #expect(await h.upstream.waitUntil(timeout: 5) { $0.first?.clientClosed == true })
        }
    }

    @Test func models() async throws {
        try await UpstreamHarness.with { h in
            let models = try await h.client.models()
            #expect(models.map(\.id).contains("zai-org/GLM-5.2"))
            let vision = try #require(models.first { $0.id == "Qwen/Qwen2.5-VL-72B-Instruct" })
            #expect(vision.acceptsImages)
            #expect(vision.contextLength != nil)
            #expect(vision.pricing?.prompt != nil)
            let record = try #require(h.upstream.requests.first)
            #expect(record.path == "/v1/models?verbose=true")
            #expect(record.header("authorization") == "Bearer \(testAPIKey)")
        }
    }

    @Test func catalogueCanBeReplaced() async throws {
        try await UpstreamHarness.with { h in
            h.upstream.setCatalogue([UpstreamModel(id: "only/one", contextLength: 1000, modality: "text->text")])
            let ids = try await h.client.models().map(\.id)
            #expect(ids == ["only/one"])
        }
    }

    @Test func apiKeyNeverInErrorMessages() async throws {
        try await UpstreamHarness.with(maxRetries: 0) { h in
            // Upstreams have been seen to echo the key they refused.
            for status in [400, 401, 403, 404, 429, 500, 503] {
                h.upstream.enqueue(.error(status, message: "Incorrect API key provided: \(testAPIKey)"))
                do {
                    _ = try await h.client.streamChat(chat("hi"))
                    Issue.record("expected a failure")
                } catch let error as UpstreamFailure {
                    #expect(!error.error.message.contains(testAPIKey), "\(status): \(error.error.message)")
                    #expect(!"\(error)".contains(testAPIKey))
                }
            }
            h.upstream.enqueue(.respond(.text("a b c"), Shape(fault: .errorFrame(after: 1, message: "bad key \(testAPIKey)"))))
            let (chunks, _) = try await h.collect(chat("hi"))
            #expect(chunks.last?.error != nil)
        }
    }
}
