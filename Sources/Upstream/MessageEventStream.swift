import ClaudeAPI
import Logging
import Synchronization
import Translation

/// The Claude stream events of one answer.
///
/// Events come in batches: all the events one upstream chunk gave, so that a writer can send
/// them in one write (``makeBatchIterator()``); iterating the sequence itself yields them one
/// by one. An empty batch means the upstream has been silent for the heartbeat interval.
///
/// The upstream chunks are translated by whoever iterates, as they are pulled: no task sits
/// between the upstream and the consumer. ``cancel()`` (or cancelling the consuming task) stops
/// the upstream request; the sequence then ends without the closing events.
public struct MessageEventStream: AsyncSequence, Sendable {
    public typealias Element = StreamEvent

    enum Source: Sendable {
        case upstream(ChatChunkStream, StreamTranslator, UpstreamClient)
        case batches(AsyncStream<[StreamEvent]>, AsyncStream<[StreamEvent]>.Continuation)
    }

    let source: Source
    private let cancelled: OnceFlag
    /// The upstream model answering, and any that failed before it (`nil` for streams fed by hand).
    public var route: UpstreamRoute?
    /// Called once with the upstream's `prompt_tokens` when the answer's usage arrived (token calibration).
    public var onUpstreamUsage: (@Sendable (Int) -> Void)?

    init(upstream chunks: ChatChunkStream, translator: StreamTranslator, client: UpstreamClient) {
        source = .upstream(chunks, translator, client)
        cancelled = OnceFlag()
    }

    private init(batches: AsyncStream<[StreamEvent]>, continuation: AsyncStream<[StreamEvent]>.Continuation) {
        source = .batches(batches, continuation)
        cancelled = OnceFlag()
    }

    /// A stream fed by hand, one batch per `yield` (an empty batch is a silence): for stand-ins
    /// of the pipeline.
    public static func makeStream() -> (stream: MessageEventStream, continuation: AsyncStream<[StreamEvent]>.Continuation) {
        let (batches, continuation) = AsyncStream<[StreamEvent]>.makeStream()
        return (MessageEventStream(batches: batches, continuation: continuation), continuation)
    }

    /// Stops the answer: the upstream request is cancelled and iteration ends.
    public func cancel() {
        cancelled.set()
        switch source {
        case .upstream(let chunks, _, _): chunks.cancel()
        case .batches(_, let continuation): continuation.finish()
        }
    }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { cancelled.isSet }

    public func makeBatchIterator() -> BatchIterator {
        BatchIterator(stream: self)
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(batches: makeBatchIterator())
    }

    /// Yields the events of one upstream chunk at a time; `[]` for a silence.
    public struct BatchIterator: AsyncIteratorProtocol {
        private let stream: MessageEventStream
        private var state: State

        private enum State {
            case upstream(ChatChunkStream.Iterator, StreamTranslator, UpstreamClient, started: Bool)
            case batches(AsyncStream<[StreamEvent]>.AsyncIterator)
            case done
        }

        init(stream: MessageEventStream) {
            self.stream = stream
            switch stream.source {
            case .upstream(let chunks, let translator, let client):
                state = .upstream(chunks.makeAsyncIterator(), translator, client, started: false)
            case .batches(let batches, _):
                state = .batches(batches.makeAsyncIterator())
            }
        }

        public mutating func next() async -> [StreamEvent]? {
            switch state {
            case .done:
                return nil
            case .batches(var iterator):
                let batch = await iterator.next()
                state = batch == nil ? .done : .batches(iterator)
                return batch
            case .upstream(var chunks, var translator, let client, let started):
                state = .done  // until put back below
                if !started {
                    let events = translator.start()
                    state = .upstream(chunks, translator, client, started: true)
                    return events
                }
                let batch = await Self.nextUpstreamBatch(&chunks, &translator, client: client, stream: stream)
                if !translator.isFinished { state = .upstream(chunks, translator, client, started: true) }
                else if let usage = translator.upstreamUsage { stream.onUpstreamUsage?(usage.promptTokens) }  // calibration
                return batch.map { Self.redacted($0, client: client) }
            }
        }

        /// The events of the next chunk that gives any (or `[]` for a silence); `nil` at the end.
        private static func nextUpstreamBatch(
            _ chunks: inout ChatChunkStream.Iterator, _ translator: inout StreamTranslator,
            client: UpstreamClient, stream: MessageEventStream
        ) async -> [StreamEvent]? {
            do {
                while let item = try await chunks.next() {
                    guard case .chunk(let chunk) = item else { return [] }
                    let events = translator.receive(chunk)
                    if translator.isFinished { return events }
                    if !events.isEmpty { return events }
                }
                if Task.isCancelled || stream.isCancelled { return nil }
                let events = translator.finish()
                return events
            } catch let failure as UpstreamStreamError {
                client.logger.debug("upstream stream failed", metadata: ["error": "\(client.redact(failure.error.message))"])
                return translator.fail(failure.error)
            } catch {
                if Task.isCancelled || stream.isCancelled { return nil }
                return translator.fail(ErrorMapping.streamInterrupted(reason: "\(error)"))
            }
        }

        /// Error events may quote an upstream message, which may quote the key.
        private static func redacted(_ events: [StreamEvent], client: UpstreamClient) -> [StreamEvent] {
            guard events.contains(where: { if case .error = $0 { true } else { false } }) else { return events }
            return events.map { event in
                guard case .error(let error) = event else { return event }
                return .error(APIError(error.type, client.redact(error.message)))
            }
        }
    }

    /// Yields the events one by one, skipping silences.
    public struct Iterator: AsyncIteratorProtocol {
        var batches: BatchIterator
        var pending: [StreamEvent] = []
        var position = 0

        public mutating func next() async -> StreamEvent? {
            while position == pending.count {
                guard let batch = await batches.next() else { return nil }
                pending = batch
                position = 0
            }
            defer { position += 1 }
            return pending[position]
        }
    }
}
