import ClaudeAPI
import Translation
import Upstream

/// Sends a summary request (``Compaction/summaryRequest(older:model:window:instructions:)``)
/// through the pipeline and folds the answer, without printing it.
///
/// Cancelling the task that runs it ends the request and gives ``Outcome/failed(_:)``.
public struct Compactor: Sendable {
    public var service: any MessagesServing

    public init(service: any MessagesServing) {
        self.service = service
    }

    public enum Outcome: Sendable {
        /// The summary, the answer's usage and the upstream model that wrote it.
        case summary(String, usage: Usage?, model: String?)
        case failed(UpstreamFailure)
    }

    /// The message of the failure a cancelled summary request gives.
    public static let cancelledMessage = "compaction cancelled"

    public func summarise(_ request: MessagesRequest) async -> Outcome {
        let events: MessageEventStream
        do {
            events = try await service.stream(request)
        } catch {
            if Task.isCancelled { return .failed(UpstreamFailure(APIError(.api, Self.cancelledMessage))) }
            return .failed(error)
        }
        var accumulator = MessageAccumulator()
        for await event in events {
            if Task.isCancelled { break }
            accumulator.apply(event)
        }
        if Task.isCancelled { return .failed(UpstreamFailure(APIError(.api, Self.cancelledMessage))) }
        if let error = accumulator.error { return .failed(UpstreamFailure(error)) }
        guard let message = accumulator.message else {
            return .failed(UpstreamFailure(APIError(.api, "the summary's stream ended before any message started")))
        }
        let text = message.content.compactMap { if case .text(let b) = $0 { b.text } else { nil } }.joined()
        guard !text.trimmingWhitespace().isEmpty else {
            return .failed(UpstreamFailure(APIError(.api, "the model answered the summary request with no text")))
        }
        if message.stopReason == .maxTokens {
            // A cut summary is still a summary; say so in it rather than drop it.
            return .summary(text + "\n[the summary reached its length limit here]", usage: message.usage, model: events.route?.model)
        }
        return .summary(text, usage: message.usage, model: events.route?.model)
    }

    /// Whether `failure` is the pipeline's context-overflow error (PROTOCOL 8.1:
    /// `prompt is too long: N tokens > M maximum`).
    public static func isContextOverflow(_ failure: UpstreamFailure) -> Bool {
        failure.error.type == .invalidRequest && failure.error.message.hasPrefix("prompt is too long:")
    }

    /// The window an overflow error names (`M maximum`), when it names one.
    public static func overflowWindow(_ failure: UpstreamFailure) -> Int? {
        let words = failure.error.message.split(separator: " ")
        guard let i = words.firstIndex(of: "maximum"), i > 0, let window = Int(words[i - 1]), window > 0 else { return nil }
        return window
    }
}
