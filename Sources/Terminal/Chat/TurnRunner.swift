import ClaudeAPI
import Translation
import Upstream

/// How one request ended.
public struct TurnOutcome: Sendable {
    public enum Ending: Sendable {
        /// `message_stop` arrived.
        case completed
        /// The user pressed Ctrl-C; `message` holds what arrived before.
        case interrupted
        /// The upstream failed, before the first byte or mid-stream.
        case failed(UpstreamFailure)
    }

    public var ending: Ending
    /// The answer, complete or partial; `nil` when nothing arrived.
    public var message: MessagesResponse?
    public var seconds: Double
    /// Tool inputs that were not valid JSON (from the accumulator).
    public var warnings: [String] = []
    /// The upstream model that answered (and the ones that failed before it), once known.
    public var route: UpstreamRoute?
}

/// Runs one request through the pipeline, rendering events as they arrive and folding them into
/// the message that goes into the conversation.
///
/// Run it in a task you can cancel: cancelling ends the stream (and the upstream request) and
/// gives an ``TurnOutcome/Ending/interrupted`` outcome with the partial answer.
public struct TurnRunner: Sendable {
    public var service: any MessagesServing

    public init(service: any MessagesServing) {
        self.service = service
    }

    public func run(_ request: MessagesRequest, renderer: StreamRenderer) async -> TurnOutcome {
        var renderer = renderer
        let clock = ContinuousClock()
        let start = clock.now
        func seconds() -> Double {
            let d = clock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }

        let events: MessageEventStream
        do {
            events = try await service.stream(request)
        } catch {
            if Task.isCancelled {
                renderer.finishInterrupted()
                return TurnOutcome(ending: .interrupted, message: nil, seconds: seconds())
            }
            return TurnOutcome(ending: .failed(error), message: nil, seconds: seconds())
        }

        let route = events.route
        var accumulator = MessageAccumulator()
        for await event in events {
            if Task.isCancelled { break }
            accumulator.apply(event)
            renderer.render(event)
        }
        if Task.isCancelled {
            renderer.finishInterrupted()
            return TurnOutcome(
                ending: .interrupted, message: accumulator.message, seconds: seconds(), warnings: accumulator.warnings, route: route)
        }
        renderer.finish()
        if let error = accumulator.error {
            return TurnOutcome(
                ending: .failed(UpstreamFailure(error)), message: accumulator.message, seconds: seconds(),
                warnings: accumulator.warnings, route: route)
        }
        guard accumulator.message != nil else {
            let failure = UpstreamFailure(APIError(.api, "The upstream stream ended before any message started."))
            return TurnOutcome(ending: .failed(failure), message: nil, seconds: seconds())
        }
        return TurnOutcome(
            ending: .completed, message: accumulator.message, seconds: seconds(), warnings: accumulator.warnings, route: route)
    }
}
