import ClaudeAPI
import Foundation

/// Maps upstream failures to Claude API errors with messages that say what to do.
///
/// Upstream error bodies come in three shapes, all understood:
/// `{"error":{"message","type","code"}}`, `{"object":"error","message",...}` and `{"detail":...}`.
/// A context overflow, in any upstream's words, becomes Anthropic's own wording (PROTOCOL 8.1,
/// see ``ContextOverflow``).
public enum ErrorMapping {
    /// The client-facing error for an upstream HTTP error status.
    ///
    /// ```swift
    /// let error = ErrorMapping.map(status: 400, body: body, model: "zai-org/GLM-5.2",
    ///                              estimatedInputTokens: 140_000, contextWindow: 131_072)
    /// // a context overflow: "prompt is too long: 140000 tokens > 131072 maximum"
    /// ```
    ///
    /// - Parameters:
    ///   - model: the upstream model id the request named (it goes into 404 messages).
    ///   - secrets: strings that must not appear in the message (the keys), replaced if echoed.
    ///   - estimatedInputTokens: the request's estimated prompt, for an overflow whose upstream
    ///     message gives no count.
    ///   - contextWindow: the model's window from the catalogue, for an overflow whose upstream
    ///     message names none.
    public static func map(
        status: Int, body: [UInt8], model: String, secrets: [String] = [],
        estimatedInputTokens: Int? = nil, contextWindow: Int? = nil
    ) -> APIError {
        if let overflow = contextOverflow(status: status, body: body) {
            return overflow.clientError(estimatedInputTokens: estimatedInputTokens, contextWindow: contextWindow)
        }
        let detail = upstreamMessage(body, secrets: secrets).map { ": \($0)" } ?? ""
        let error: APIError
        switch status {
        case 400, 422:
            error = APIError(.invalidRequest, "The upstream rejected the request (HTTP \(status))\(detail)")
        case 401:
            error = APIError(.authentication, "The Nebius API key was refused (HTTP 401)\(detail). Check NEBIUS_API_KEY (or OPENAI_API_KEY).")
        case 402:
            error = APIError(.billing, "The Nebius account cannot pay for this request (HTTP 402)\(detail)")
        case 403:
            error = APIError(.permission, "The Nebius API key was refused for model '\(model)' (HTTP 403)\(detail). Check that the key may use this model.")
        case 404:
            error = APIError(.notFound, "Model '\(model)' was not found upstream (retired or misspelled?)\(detail). List the available ids with `nebius-chat models` or GET /v1/models, and set BIG_MODEL/MIDDLE_MODEL/SMALL_MODEL/VISION_MODEL accordingly.")
        case 408, 504:
            error = APIError(.timeout, "The upstream timed out (HTTP \(status))\(detail)")
        case 413:
            error = APIError(.requestTooLarge, "The upstream refused the request as too large (HTTP 413)\(detail)")
        case 429:
            error = APIError(.rateLimit, "The upstream rate limit was reached (HTTP 429)\(detail)")
        case 503, 529:
            error = APIError(.overloaded, "The upstream is overloaded (HTTP \(status))\(detail)")
        case 400..<500:
            error = APIError(.invalidRequest, "The upstream rejected the request (HTTP \(status))\(detail)")
        default:
            error = APIError(.api, "The upstream failed (HTTP \(status))\(detail)")
        }
        return redacting(error, secrets)
    }

    /// The upstream could not be reached at all.
    public static func connectFailure(baseURL: String, reason: String) -> APIError {
        APIError(.api, "Could not reach the upstream at \(baseURL): \(reason). Check OPENAI_BASE_URL and the network.")
    }

    /// The upstream sent nothing for `seconds`.
    public static func timeout(seconds: Double, midStream: Bool) -> APIError {
        let when = midStream ? "stopped sending in the middle of the answer" : "did not answer"
        return APIError(.timeout, "The upstream \(when) for \(formatSeconds(seconds)) s (REQUEST_TIMEOUT).")
    }

    /// The connection broke after the answer had started.
    public static func streamInterrupted(reason: String) -> APIError {
        APIError(.api, "The upstream connection broke in the middle of the answer: \(reason)")
    }

    /// An error frame (`data: {"error": {...}}`) inside a stream. A context overflow gets the
    /// same wording as before the first byte (PROTOCOL 8.1).
    public static func streamError(_ error: JSONValue, estimatedInputTokens: Int? = nil, contextWindow: Int? = nil) -> APIError {
        if let overflow = contextOverflow(error) {
            return overflow.clientError(estimatedInputTokens: estimatedInputTokens, contextWindow: contextWindow)
        }
        let message = error["message"]?.stringValue ?? error.stringValue ?? error.compactText
        let kind = [error["type"]?.stringValue, error["code"]?.stringValue, error["code"]?.intValue.map(String.init)]
            .compactMap { $0?.lowercased() }.joined(separator: " ")
        let type: APIErrorType
        if kind.contains("overload") || kind.contains("503") || kind.contains("unavailable") {
            type = .overloaded
        } else if kind.contains("rate") || kind.contains("429") {
            type = .rateLimit
        } else if kind.contains("invalid_request") || kind.contains("400") {
            type = .invalidRequest
        } else {
            type = .api
        }
        return APIError(type, "The upstream reported an error mid-stream: \(message)")
    }

    // MARK: Context overflow (PROTOCOL 8.1)

    /// Statuses an overflow comes with: 400 (vLLM, SGLang, llama.cpp), 413 and 422 (validators),
    /// 500 (servers that answer every validation failure with it).
    static let overflowStatuses: Set<Int> = [400, 413, 422, 500]

    /// The context overflow an upstream error body describes, or `nil` when it is another error.
    ///
    /// Reads any of the three error-body shapes and plain-text bodies.
    public static func contextOverflow(status: Int, body: [UInt8]) -> ContextOverflow? {
        guard overflowStatuses.contains(status), !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        guard let json = JSONValue(parsing: text) else {
            return ContextOverflow(message: text, names: [])
        }
        return contextOverflow(json)
    }

    /// The context overflow an upstream error value (a whole body, or the object under `error`)
    /// describes.
    static func contextOverflow(_ json: JSONValue) -> ContextOverflow? {
        let inner = json["error"].flatMap { $0.objectValue == nil ? nil : $0 }
        let objects = [inner, json].compactMap { $0 }
        let names = objects.flatMap { object in
            [object["code"]?.stringValue, object["code"]?.intValue.map(String.init), object["type"]?.stringValue].compactMap { $0 }
        }
        func count(_ key: String) -> Int? { objects.lazy.compactMap { $0[key]?.intValue }.first }
        return ContextOverflow(
            message: json.stringValue ?? fullMessage(json) ?? "", names: names,
            promptField: count("n_prompt_tokens"), windowField: count("n_ctx"))
    }

    /// `prompt is too long: N tokens > M maximum`: Anthropic's words for an overflow, which
    /// Claude Code's compact-and-retry keys on.
    public static func promptTooLong(tokens: Int, maximum: Int) -> APIError {
        APIError(.invalidRequest, "prompt is too long: \(tokens) tokens > \(maximum) maximum")
    }

    // MARK: Upstream messages

    /// The human-readable message of an upstream error body in any of the three shapes,
    /// or the start of the body when it is not JSON.
    /// `secrets` are hidden before the message is shortened, so no piece of one survives a cut.
    public static func upstreamMessage(_ body: [UInt8], secrets: [String] = []) -> String? {
        guard !body.isEmpty else { return nil }
        let text = redacting(String(decoding: body.prefix(64 * 1024), as: UTF8.self), secrets)
        guard let json = JSONValue(parsing: text) else {
            let trimmed = text.trimmingWhitespace
            return trimmed.isEmpty ? nil : truncate(trimmed)
        }
        return fullMessage(json).map { truncate($0) }
    }

    /// The message of a parsed error value in any of the three shapes, not shortened.
    static func fullMessage(_ json: JSONValue) -> String? {
        if let inner = json["error"] {
            if let m = inner["message"]?.stringValue { return m }
            if let m = inner.stringValue { return m }
        }
        if let m = json["message"]?.stringValue { return m }
        if let detail = json["detail"] {
            if let s = detail.stringValue { return s }
            if let items = detail.arrayValue {
                let parts = items.map { item -> String in
                    let location = item["loc"]?.arrayValue?.map { $0.stringValue ?? $0.intValue.map(String.init) ?? "?" }
                        .joined(separator: ".")
                    let msg = item["msg"]?.stringValue ?? item.compactText
                    return location.map { "\($0): \(msg)" } ?? msg
                }
                return parts.joined(separator: "; ")
            }
            return detail.compactText
        }
        return json.compactText
    }

    static func truncate(_ s: String, to limit: Int = 800) -> String {
        s.count <= limit ? s : String(s.prefix(limit)) + "..."
    }

    static func redacting(_ error: APIError, _ secrets: [String]) -> APIError {
        APIError(error.type, redacting(error.message, secrets))
    }

    static func redacting(_ text: String, _ secrets: [String]) -> String {
        var text = text
        for secret in secrets where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return text
    }

    static func formatSeconds(_ s: Double) -> String {
        s.rounded() == s ? String(Int(s)) : String(s)
    }
}
