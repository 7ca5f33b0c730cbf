import ClaudeAPI
import Synchronization
import Upstream

/// A pipeline stand-in: answers with scripted events or fails, and records what it was asked.
final class FakeMessagesService: MessagesServing, Sendable {
    enum Script: Sendable {
        /// These events, each after `delay`.
        case events([StreamEvent], delay: Duration = .zero)
        case failure(UpstreamFailure)
    }

    private let script: Script
    private let received = Mutex<[MessagesRequest]>([])

    init(_ script: Script) {
        self.script = script
    }

    var requests: [MessagesRequest] { received.withLock { $0 } }

    func stream(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream {
        received.withLock { $0.append(request) }
        switch script {
        case .failure(let failure):
            throw failure
        case .events(let events, let delay):
            let (stream, continuation) = MessageEventStream.makeStream()
            let task = Task {
                for event in events {
                    // A silence for every heartbeat of the delay, as the upstream client reports them.
                    var waited = Duration.zero
                    while let heartbeat, delay - waited >= heartbeat, !Task.isCancelled {
                        try? await Task.sleep(for: heartbeat)
                        waited += heartbeat
                        continuation.yield([])
                    }
                    if delay > waited { try? await Task.sleep(for: delay - waited) }
                    continuation.yield([event])
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
            return stream
        }
    }

    /// A short streamed text answer in Claude events.
    static func textEvents(_ text: String, model: String = "claude-sonnet-4-5") -> [StreamEvent] {
        [
            .messageStart(MessagesResponse(id: "msg_test", model: model, content: [], usage: Usage(inputTokens: 12))),
            .contentBlockStart(index: 0, block: .text(TextBlock(text: ""))),
            .contentBlockDelta(index: 0, delta: .text(text)),
            .contentBlockStop(index: 0),
            .messageDelta(stopReason: .endTurn, stopSequence: nil, usage: Usage(inputTokens: 12, outputTokens: 3)),
            .messageStop,
        ]
    }
}
