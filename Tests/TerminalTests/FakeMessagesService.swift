import ClaudeAPI
import Synchronization
import Upstream

/// A pipeline stand-in for the terminal tests: answers with scripted events (optionally slowly,
/// or holding the stream open), or fails before the first byte; records the requests and whether
/// the consumer went away before the end.
final class FakeMessagesService: MessagesServing, Sendable {
    enum Script: Sendable {
        /// These events, each after `delay`; with `holdOpen`, the stream then stays open until
        /// the consumer cancels.
        case events([StreamEvent], delay: Duration = .zero, holdOpen: Bool = false)
        case failure(UpstreamFailure)
    }

    private let script: Script
    /// The upstream model each stream says answered, as the real service's fallback plan does.
    private let answeredBy: (@Sendable (MessagesRequest) -> String)?
    private let received = Mutex<[MessagesRequest]>([])
    private let cancelledCount = Counter()

    init(_ script: Script, answeredBy: (@Sendable (MessagesRequest) -> String)? = nil) {
        self.script = script
        self.answeredBy = answeredBy
    }

    var requests: [MessagesRequest] { received.withLock { $0 } }
    /// How many streams ended because their consumer was cancelled.
    var cancellations: Int { cancelledCount.value }

    func stream(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream {
        received.withLock { $0.append(request) }
        switch script {
        case .failure(let failure):
            throw failure
        case .events(let events, let delay, let holdOpen):
            let (made, continuation) = MessageEventStream.makeStream()
            var stream = made
            stream.route = answeredBy.map { UpstreamRoute(model: $0(request)) }
            let task = Task {
                for event in events {
                    if delay > .zero { try? await Task.sleep(for: delay) }
                    continuation.yield([event])
                }
                if holdOpen {
                    while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                }
                continuation.finish()
            }
            continuation.onTermination = { [cancelledCount] termination in
                if case .cancelled = termination { cancelledCount.increment() }
                task.cancel()
            }
            return stream
        }
    }
}

/// Claude stream events for tests.
enum Events {
    static func start(model: String = "zai-org/GLM-4.7-FP8", input: Int = 12) -> StreamEvent {
        .messageStart(MessagesResponse(id: "msg_test", model: model, content: [], usage: Usage(inputTokens: input)))
    }

    static func text(_ pieces: [String], at index: Int = 0) -> [StreamEvent] {
        [.contentBlockStart(index: index, block: .text(TextBlock(text: "")))]
            + pieces.map { .contentBlockDelta(index: index, delta: .text($0)) }
            + [.contentBlockStop(index: index)]
    }

    static func thinking(_ pieces: [String], at index: Int = 0) -> [StreamEvent] {
        [.contentBlockStart(index: index, block: .thinking(ThinkingBlock(thinking: "")))]
            + pieces.map { .contentBlockDelta(index: index, delta: .thinking($0)) }
            + [.contentBlockDelta(index: index, delta: .signature("sig")), .contentBlockStop(index: index)]
    }

    static func end(input: Int = 12, output: Int = 3) -> [StreamEvent] {
        [.messageDelta(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: input, outputTokens: output)), .messageStop]
    }

    /// A whole answer: `text` in word pieces.
    static func answer(_ text: String, reasoning: String? = nil) -> [StreamEvent] {
        var events = [start()]
        var index = 0
        if let reasoning {
            events += thinking([reasoning], at: 0)
            index = 1
        }
        events += Events.text(text.split(separator: " ", omittingEmptySubsequences: false).enumerated().map { $0.offset == 0 ? String($0.element) : " " + $0.element }, at: index)
        return events + end()
    }
}
