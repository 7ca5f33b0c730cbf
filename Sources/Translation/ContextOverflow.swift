import ClaudeAPI

/// An upstream's refusal of a request that does not fit the model's context window, with the
/// numbers it named (PROTOCOL 8.1). Every field is optional: some servers name none.
///
/// Recognised wordings (matched case-insensitively on the error's message, code and type):
/// - vLLM and OpenAI: `This model's maximum context length is M tokens. However, you requested
///   T tokens (P in the messages, C in the completion)`, `... your request has P input tokens`,
///   `... you requested C output tokens and your prompt contains at least P input tokens, for a
///   total of at least T tokens`, `... your messages resulted in P tokens`, and
///   `'max_tokens' is too large: C. This model's maximum context length is M tokens and your
///   request has P input tokens`;
/// - SGLang: `... exceeds the model's maximum context length of M tokens. You requested a total
///   of T tokens: P tokens from the input messages and C tokens for the completion`,
///   `The input (P tokens) is longer than the model's context length (M tokens)` and
///   `Input length (P tokens) exceeds the maximum allowed length (M tokens)`;
/// - llama.cpp: type `exceed_context_size_error` with `n_prompt_tokens` and `n_ctx`, message
///   `request (P tokens) exceeds the available context size (M tokens)`; llama-cpp-python uses
///   vLLM's words with code `context_length_exceeded`;
/// - TGI (behind some providers): `inputs tokens + max_new_tokens must be <= M. Given: P inputs
///   tokens and C max_new_tokens` and `inputs must have less than M tokens. Given: P`;
/// - Anthropic's own two wordings (an upstream that is itself a Claude gateway);
/// - a bare code `context_length_exceeded` with no numbers at all.
public struct ContextOverflow: Sendable, Hashable {
    /// The prompt's tokens as the upstream counted them (the messages part, when it splits the count).
    public var promptTokens: Int?
    /// The model's window: the most tokens a request may take, prompt and answer together.
    public var maximum: Int?
    /// The whole request as the upstream counted it (prompt plus `max_tokens`), when it says.
    public var requestedTokens: Int?
    /// The answer budget the upstream counted (`max_tokens`), when it says.
    public var completionTokens: Int?

    public init(promptTokens: Int? = nil, maximum: Int? = nil, requestedTokens: Int? = nil, completionTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.maximum = maximum
        self.requestedTokens = requestedTokens
        self.completionTokens = completionTokens
    }

    /// The overflow an upstream error describes, or `nil` when it describes something else.
    ///
    /// - Parameters:
    ///   - message: the error's human-readable text.
    ///   - names: its `code` and `type` values.
    ///   - promptField: llama.cpp's `n_prompt_tokens`, when present.
    ///   - windowField: llama.cpp's `n_ctx`, when present.
    init?(message: String, names: [String], promptField: Int? = nil, windowField: Int? = nil) {
        let text = OverflowText(message)
        let lowerNames = names.map { $0.lowercased() }
        let named = lowerNames.contains { name in Self.overflowNames.contains { name.contains($0) } }
        guard named || Self.overflowPhrases.contains(where: text.contains) else { return nil }

        maximum = windowField.flatMap(Self.positive) ?? Self.first(Self.windowPatterns, in: text)
        promptTokens = promptField.flatMap(Self.positive) ?? Self.first(Self.promptPatterns, in: text)
        requestedTokens = Self.first(Self.totalPatterns, in: text)
        completionTokens = Self.first(Self.completionPatterns, in: text)
    }

    /// The client-facing error (PROTOCOL 8.1): `prompt is too long: N tokens > M maximum`.
    ///
    /// How N and M are chosen (the message always has this exact shape, because Claude Code's
    /// compact-and-retry keys on it):
    /// - M is the window the upstream named, else `contextWindow` (the catalogue's).
    /// - N is what the upstream counted against the window: the prompt when it alone exceeds M
    ///   (or M is unknown); otherwise the whole request (prompt plus `max_tokens`, as the
    ///   upstream summed it or from its two parts); otherwise the upstream's prompt count, else
    ///   `estimatedInputTokens`.
    /// - The upstream refused the request, so it counted more than M tokens: when M is known
    ///   and the N found is not above it (an estimate can be low), N is M + 1, the least count
    ///   that overflows. N is raised, never M lowered: a made-up window would mislead a client
    ///   that sizes its trimming by the gap.
    /// - When no window is known at all, M is N: the gap reads as zero rather than inventing a
    ///   window (a client that trims by the gap then uses its own default). With no number at
    ///   all, both are 0.
    public func clientError(estimatedInputTokens: Int? = nil, contextWindow: Int? = nil) -> APIError {
        let window = maximum ?? contextWindow.flatMap(Self.positive)
        let whole = requestedTokens ?? promptTokens.flatMap { p in completionTokens.map { p + $0 } }
        var tokens: Int?
        if let p = promptTokens, window.map({ p > $0 }) ?? true {
            tokens = p
        } else {
            tokens = whole ?? promptTokens ?? estimatedInputTokens.flatMap(Self.positive)
        }
        guard let window else {
            let n = tokens ?? 0
            return ErrorMapping.promptTooLong(tokens: n, maximum: n)
        }
        return ErrorMapping.promptTooLong(tokens: max(tokens ?? 0, window + 1), maximum: window)
    }

    private static func positive(_ n: Int) -> Int? { n > 0 ? n : nil }

    // MARK: Wordings

    /// Codes and types that name an overflow (substrings of the lower-cased value).
    static let overflowNames = ["context_length_exceeded", "exceed_context_size", "context_window_exceeded"]

    /// Phrases that name an overflow in a message (lower case).
    static let overflowPhrases = [
        "maximum context length",
        "context length exceeded",
        "context_length_exceeded",
        "exceeds the available context size",
        "exceed_context_size",
        "longer than the model's context length",
        "exceeds the maximum allowed length",
        "max_new_tokens must be <=",
        "max_new_tokens` must be <=",
        "inputs must have less than",
        "inputs` must have less than",
        "prompt is too long",
        "exceed context limit",
    ]

    private enum Pattern {
        /// The number right after the phrase (spaces, backticks, `(` and `:` skipped).
        case after(String)
        /// The number right after the phrase, when `suffix` follows it.
        case afterFollowedBy(String, String)
        /// The number right before the phrase (spaces and backticks skipped).
        case before(String)
    }

    private static let windowPatterns: [Pattern] = [
        .after("maximum context length is"),
        .after("maximum context length of"),
        .after("model's context length"),
        .after("available context size"),
        .after("maximum allowed length"),
        .after("must be <="),
        .after("must have less than"),
        .afterFollowedBy("tokens >", " maximum"),
        .after("> "),
    ]

    private static let promptPatterns: [Pattern] = [
        .before("in the messages"),
        .before("in your prompt"),
        .before("tokens from the input messages"),
        .after("your request has"),
        .after("your prompt contains at least"),
        .after("your messages resulted in"),
        .after("the input"),
        .after("input length"),
        .after("request"),
        .after("given:"),
        .after("prompt is too long:"),
        .after("context limit:"),
    ]

    private static let totalPatterns: [Pattern] = [
        .after("you requested a total of"),
        .after("for a total of at least"),
        .afterFollowedBy("you requested", " tokens"),
    ]

    private static let completionPatterns: [Pattern] = [
        .before("in the completion"),
        .before("for the completion"),
        .before("tokens for the completion"),
        .afterFollowedBy("you requested", " output tokens"),
        .before("max_new_tokens"),
        .after("is too large:"),
        .after(" + "),
    ]

    private static func first(_ patterns: [Pattern], in text: OverflowText) -> Int? {
        for pattern in patterns {
            let found: Int?
            switch pattern {
            case .after(let phrase): found = text.number(after: phrase)
            case .afterFollowedBy(let phrase, let suffix): found = text.number(after: phrase, followedBy: suffix)
            case .before(let phrase): found = text.number(before: phrase)
            }
            if let found, found > 0 { return found }
        }
        return nil
    }
}

/// An error message lower-cased (ASCII) as bytes, with the number look-ups the wordings need.
struct OverflowText {
    private let bytes: [UInt8]

    init(_ text: String) {
        bytes = text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    func contains(_ phrase: String) -> Bool {
        !occurrences(of: Array(phrase.utf8)).isEmpty
    }

    /// The first number that follows an occurrence of `phrase` (and is followed by `suffix`).
    func number(after phrase: String, followedBy suffix: String? = nil) -> Int? {
        let needle = Array(phrase.utf8)
        let tail = suffix.map { Array($0.utf8) }
        for start in occurrences(of: needle) {
            var i = start + needle.count
            while i < bytes.count, Self.skippedAfter.contains(bytes[i]) { i += 1 }
            guard let (value, end) = readNumber(from: i) else { continue }
            if let tail, !bytes[end...].starts(with: tail) { continue }
            return value
        }
        return nil
    }

    /// The first number that comes right before an occurrence of `phrase`.
    func number(before phrase: String) -> Int? {
        for start in occurrences(of: Array(phrase.utf8)) {
            var i = start
            while i > 0, Self.skippedBefore.contains(bytes[i - 1]) { i -= 1 }
            var first = i
            while first > 0, Self.isDigit(bytes[first - 1]) || (first > 1 && isGroupSeparator(at: first - 1)) {
                first -= 1
            }
            guard first < i, let (value, end) = readNumber(from: first), end == i else { continue }
            return value
        }
        return nil
    }

    private static let skippedAfter: Set<UInt8> = [0x20, UInt8(ascii: "`"), UInt8(ascii: "("), UInt8(ascii: ":")]
    private static let skippedBefore: Set<UInt8> = [0x20, UInt8(ascii: "`")]

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// The number at `start` (digits, with `,` between groups of three allowed), and where it ends.
    private func readNumber(from start: Int) -> (Int, Int)? {
        var value = 0
        var digits = 0
        var i = start
        while i < bytes.count {
            if Self.isDigit(bytes[i]) {
                guard digits < 15 else { return nil }
                value = value * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
            } else if digits > 0, isGroupSeparator(at: i) {
                i += 1
            } else {
                break
            }
        }
        return digits > 0 ? (value, i) : nil
    }

    /// A `,` followed by exactly three digits (`131,072`).
    private func isGroupSeparator(at i: Int) -> Bool {
        guard bytes[i] == UInt8(ascii: ","), i + 3 < bytes.count else { return false }
        guard bytes[(i + 1)...(i + 3)].allSatisfy(Self.isDigit) else { return false }
        return i + 4 == bytes.count || !Self.isDigit(bytes[i + 4])
    }

    private func occurrences(of needle: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= bytes.count else { return [] }
        var found: [Int] = []
        var i = 0
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0], bytes[i..<(i + needle.count)].elementsEqual(needle) { found.append(i) }
            i += 1
        }
        return found
    }
}
