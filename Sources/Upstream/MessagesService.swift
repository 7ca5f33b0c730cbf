#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AsyncHTTPClient
import ClaudeAPI
import Logging
import OpenAIAPI
import Translation

/// The pipeline the proxy and the terminal both use: route, translate, call the upstream,
/// translate the chunks back into Claude stream events.
///
/// ```swift
/// let http = UpstreamClient.makeHTTPClient(config: upstreamConfig)
/// defer { try? await http.shutdown() }
/// let service = MessagesService(upstream: upstreamConfig, translation: translationConfig,
///                               httpClient: http, logger: logger)
/// for await event in try await service.stream(request) { render(event) }
/// ```
///
/// A frame whose JSON does not parse is skipped (with a warning log line) rather than ending
/// the answer: a stray line is more likely than a broken answer, and the rest still makes
/// sense. An error frame (`data: {"error":...}`), a reset connection and an idle timeout end
/// the stream with one `error` event.
public struct MessagesService: MessagesServing {
    public let client: UpstreamClient
    public let translation: TranslationConfig
    let logger: Logger

    public init(upstream: UpstreamConfig, translation: TranslationConfig, httpClient: HTTPClient, logger: Logger) {
        self.client = UpstreamClient(config: upstream, httpClient: httpClient, logger: logger)
        self.translation = translation
        self.logger = logger
    }

    public func stream(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream {
        let upstreamModel = ModelRouter(config: translation).route(request)
        let translated: TranslatedRequest
        do {
            translated = try RequestTranslator(config: translation).translate(request, upstreamModel: upstreamModel)
        } catch {
            throw UpstreamFailure(error)
        }
        var chat = translated.chat
        chat.stream = true
        if chat.streamOptions == nil { chat.streamOptions = StreamOptions(includeUsage: true) }
        if logger.logLevel <= .debug {
            logger.debug(
                "upstream request",
                metadata: [
                    "model": "\(upstreamModel)", "body": "\(redactedBody(chat))",
                    "notes": "\(translated.notes.joined(separator: "; "))",
                ])
        }

        let chunks = try await client.streamChat(chat, heartbeat: heartbeat)
        let translator = StreamTranslator(
            requestedModel: request.model, messageID: Self.newMessageID(), toolNames: translated.toolNames,
            estimatedInputTokens: TokenEstimator.estimate(request))
        return MessageEventStream(upstream: chunks, translator: translator, client: client)
    }

    /// `msg_` and 24 random hex digits (one call to the random source, not one per digit).
    static func newMessageID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = UInt32.random(in: .min ... .max, using: &generator)
        let low = UInt64.random(in: .min ... .max, using: &generator)
        return "msg_" + hex(UInt64(high), digits: 8) + hex(low, digits: 16)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The request body for a debug line: long strings (images) shortened, keys removed.
    func redactedBody(_ chat: ChatRequest) -> String {
        guard let data = try? JSONEncoder().encode(chat) else { return "?" }
        var text = String(decoding: data, as: UTF8.self)
        if text.utf8.count > 16_384 { text = String(text.prefix(16_384)) + "...(truncated)" }
        return client.redact(text)
    }
}

extension UpstreamClient {
    /// `text` with the API key replaced by `[redacted]`.
    public func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where secret.count >= 4 {
            text = text.replacing(secret, with: "[redacted]")
        }
        return text
    }
}
