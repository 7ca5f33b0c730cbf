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
import WebTools

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
/// - Models: the four roles are resolved against the live ``ModelCatalogue`` (a retired model
///   is replaced, see ``ModelResolution``); without a catalogue the configured names are used
///   as they are.
/// - Fallback: when the routed model is not found upstream (404), or a 5xx or connect failure
///   remains after the retries, the `FALLBACK_MODEL` list is tried in order, then the
///   catalogue's replacement for the role; each model once, and always before the first byte.
///   The client still sees the model name it asked for.
/// - Context window: `max_tokens` is lowered so that the estimated input plus the answer fits
///   the model's window, and an upstream overflow is answered in Anthropic's own words.
///
/// A frame whose JSON does not parse is skipped (with a warning log line) rather than ending
/// the answer: a stray line is more likely than a broken answer, and the rest still makes
/// sense. An error frame (`data: {"error":...}`), a reset connection and an idle timeout end
/// the stream with one `error` event.
public struct MessagesService: MessagesServing {
    public let client: UpstreamClient
    public let catalogue: ModelCatalogue?
    /// The roles as configured, before the catalogue had its say.
    public let configured: TranslationConfig
    /// `FALLBACK_MODEL`, in order.
    public let fallbacks: [String]
    /// Whether a model that is not found or down gives way to another (`FALLBACK_MODEL`, then
    /// the catalogue's alternative); `FALLBACK_MODEL=off` turns it off.
    public let fallsBack: Bool
    let resolution: ResolutionCache
    let logger: Logger
    /// What the upstream's token counts taught, per model (Calibration/); in memory unless set.
    public var calibration = TokenCalibrationStore(file: nil, baseURL: "")
    /// Runs `web_search` and `web_fetch` for requests that carry those server tools.
    let serverTools: any ServerToolRunning

    public init(
        upstream: UpstreamConfig, translation: TranslationConfig, httpClient: HTTPClient, logger: Logger,
        catalogue: ModelCatalogue? = nil, fallbacks: [String] = [], fallsBack: Bool = true,
        webTools: WebToolsConfig = WebToolsConfig(), serverTools: (any ServerToolRunning)? = nil
    ) {
        self.client = UpstreamClient(config: upstream, httpClient: httpClient, logger: logger)
        self.configured = translation
        self.catalogue = catalogue
        self.fallbacks = fallbacks
        self.fallsBack = fallsBack
        self.resolution = ResolutionCache(configured: translation, fallbacks: fallbacks)
        self.logger = logger
        self.serverTools = serverTools ?? WebToolRunner(config: webTools, httpClient: httpClient, logger: logger)
    }

    /// The translation settings with the roles resolved against the catalogue known now.
    public var translation: TranslationConfig { resolved().config }

    /// The roles resolved against the catalogue known now, and what was replaced.
    public func resolved() -> ModelResolution {
        resolution.resolution(catalogue: catalogue, logger: logger)
    }

    /// A request with `web_search_*` / `web_fetch_*` server tools runs them here, inside the
    /// one answer (see ``ServerToolLoop``); any other request is one upstream round.
    public func stream(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream {
        // Once per answer, not per server-tool round: later rounds carry the converted request.
        let request = try await convertingDocumentsOffLoop(request)  // PDFs -> text or page images (Documents/)
        let tools = ServerToolSet(request)
        if tools.isEmpty { return try await streamRound(request, heartbeat: heartbeat) }
        let service = self
        let loop = ServerToolLoop(
            request: request, tools: tools, runner: serverTools, heartbeat: heartbeat, logger: logger
        ) { (upstream: MessagesRequest) async throws(UpstreamFailure) -> MessageEventStream in
            try await service.streamRound(upstream, heartbeat: heartbeat)
        }
        return try await loop.start()
    }

    /// One upstream answer, trying the fallback models in order.
    func streamRound(_ request: MessagesRequest, heartbeat: Duration?) async throws(UpstreamFailure) -> MessageEventStream {
        catalogue?.refreshIfStale()
        let roles = resolved()
        let plan = FallbackPlan(
            request: request, roles: roles, fallbacks: fallbacks, catalogue: catalogue?.current, fallsBack: fallsBack)
        let estimate = TokenEstimator.estimate(request)
        var failed: [String] = []
        // When every model fails, the routed model's failure is the one reported (it is the
        // model the client asked for), naming every model tried.
        var firstFailure: UpstreamFailure?
        for model in plan.models {
            do {
                var events = try await attempt(
                    request, model: model, translation: roles.config, estimate: estimate, heartbeat: heartbeat)
                events.route = UpstreamRoute(model: model, failed: failed)
                return events
            } catch {
                var failure = error
                failure.models = failed + [model]
                guard failure.allowsFallback, !Task.isCancelled else { throw failure }
                failed.append(model)
                if firstFailure == nil { firstFailure = failure }
                if let next = plan.models.dropFirst(failed.count).first {
                    logger.notice(
                        "model \(model) failed upstream, trying the fallback \(next)",
                        metadata: ["status": "\(failure.upstreamStatus.map(String.init) ?? "unreachable")"])
                }
            }
        }
        guard var failure = firstFailure else { throw UpstreamFailure(APIError(.api, "No upstream model to try.")) }
        failure.models = failed
        throw failure
    }

    /// One upstream model, with its own translation (its window decides `max_tokens`).
    private func attempt(
        _ request: MessagesRequest, model: String, translation: TranslationConfig, estimate: Int, heartbeat: Duration?
    ) async throws(UpstreamFailure) -> MessageEventStream {
        let (rawEstimate, estimate) = (estimate, calibration.scaled(estimate, model: model))  // Calibration/
        let window = catalogue?.model(model)?.contextLength
        let translated: TranslatedRequest
        do {
            translated = try RequestTranslator(config: translation).translate(
                request, upstreamModel: model, contextWindow: window, estimatedInputTokens: rawEstimate)  // estimated once
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
                    "model": "\(model)", "body": "\(redactedBody(chat))",
                    "notes": "\(translated.notes.joined(separator: "; "))",
                ])
        }
        let chunks = try await client.streamChat(
            chat, heartbeat: heartbeat, estimatedInputTokens: estimate, contextWindow: window)
        let translator = StreamTranslator(
            requestedModel: request.model, messageID: Self.newMessageID(), toolNames: translated.toolNames,
            estimatedInputTokens: estimate, contextWindow: window,
            bareThinkClose: ReasoningLeak.endsWithBareClose(upstreamModel: model))
        var events = MessageEventStream(upstream: chunks, translator: translator, client: client)
        events.onUpstreamUsage = usageRecorder(model: model, estimate: rawEstimate)  // Calibration/
        return events
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
