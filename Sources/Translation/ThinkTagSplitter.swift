/// Splits streamed content that carries reasoning inline into reasoning and text, whatever the
/// chunk boundaries. Two shapes are recognised (PROTOCOL 3 and 8.3):
///
/// - content that starts with `<think>...</think>`;
/// - content whose reasoning ends at a bare `</think>` with no opening tag (GLM at low effort:
///   its chat template opens the tag in the prompt, so only the close reaches the content).
///
/// The bare close needs a hold-back, so it is looked for only with models known to leak that way
/// (``ReasoningLeak/endsWithBareClose(upstreamModel:)``): until it shows up, the text might still be reasoning. The
/// rule, chosen so that it costs an answer at most a short delay at its start:
/// - content is held only while it could still become reasoning: at most its first
///   ``bareCloseHoldLimit`` bytes (counted from the start of the content);
/// - a `</think>` that starts within those bytes, before any `<think>`, ends the reasoning:
///   what precedes it is reasoning, the rest is text;
/// - the held content is text (released at once, in order) when the limit passes without
///   the tag, when a `<think>` comes first (text that talks about the tags), when reasoning
///   arrives separately (`reasoning_content`: the model does not leak, so content is text; after
///   that, content is never held), when a tool call arrives, and at the end of the stream.
///
/// The decision depends only on the content, never on where chunks split it, so a streamed
/// answer and the same answer in one piece (the non-streaming path) always agree.
struct ThinkTagSplitter: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case reasoning(String)
        case text(String)
    }

    /// How many bytes of content may be held back waiting for a bare `</think>`: 768 bytes of
    /// UTF-8, about 190 tokens of English. Why this size: low-effort reasoning that leaks into
    /// content is a few sentences (a few hundred bytes), within it; and the hold delays the
    /// first text of every answer of a leaking model that has no separate reasoning, so it must
    /// stay short: at the 50-150 tokens per second of Nebius's large models it is one to four
    /// seconds (short answers end before the limit and are released whole). Longer leaked
    /// reasoning is shown as text, as it would be without the rule.
    static let bareCloseHoldLimit = 768

    private enum Phase: Sendable, Hashable {
        /// Nothing but whitespace yet: the content may still open with `<think>`.
        case undecided
        case thinking
        /// Content without an opening tag, held while a bare `</think>` may still end it.
        case holding
        /// After `</think>`, leading whitespace is dropped.
        case afterThinking
        case text
    }

    private static let open = "<think>"
    private static let close = "</think>"
    private static let openBytes = Array(open.utf8)
    private static let closeBytes = Array(close.utf8)
    private let holdLimit: Int
    /// Whether content is held for a bare `</think>` at all (models known to leak, see
    /// ``ReasoningLeak``); when off, content without an opening tag is text at once.
    private let holdsForBareClose: Bool
    private var phase = Phase.undecided
    private var pending = ""
    /// Reasoning arrived in its own field: content is never held for a bare `</think>`.
    private var separateReasoning = false

    init(holdsForBareClose: Bool = false, holdLimit: Int = ThinkTagSplitter.bareCloseHoldLimit) {
        self.holdsForBareClose = holdsForBareClose
        self.holdLimit = holdLimit
    }

    mutating func feed(_ content: String) -> [Piece] {
        pending += content
        var pieces: [Piece] = []
        while true {
            switch phase {
            case .undecided:
                let trimmed = pending.drop { $0.isWhitespace }
                if trimmed.hasPrefix(Self.open) {
                    pending = String(trimmed.dropFirst(Self.open.count))
                    phase = .thinking
                } else if trimmed.isEmpty || Self.open.hasPrefix(trimmed) {
                    return pieces
                } else {
                    phase = separateReasoning || !holdsForBareClose ? .text : .holding
                }
            case .thinking:
                if let range = pending.range(of: Self.close) {
                    let reasoning = String(pending[..<range.lowerBound])
                    if !reasoning.isEmpty { pieces.append(.reasoning(reasoning)) }
                    pending = String(pending[range.upperBound...])
                    phase = .afterThinking
                } else {
                    let keep = Self.partialSuffixLength(of: pending, matching: Self.close)
                    let emit = String(pending.dropLast(keep))
                    if !emit.isEmpty { pieces.append(.reasoning(emit)) }
                    pending = String(pending.suffix(keep))
                    return pieces
                }
            case .holding:
                switch bareCloseDecision() {
                case .wait:
                    return pieces
                case .text:
                    phase = .text
                case .reasoning(let reasoning, let rest):
                    if !reasoning.isEmpty { pieces.append(.reasoning(reasoning)) }
                    pending = rest
                    phase = .afterThinking
                }
            case .afterThinking:
                pending = String(pending.drop { $0.isWhitespace })
                if pending.isEmpty { return pieces }
                phase = .text
            case .text:
                if !pending.isEmpty { pieces.append(.text(pending)) }
                pending = ""
                return pieces
            }
        }
    }

    private enum BareCloseDecision {
        case wait
        case text
        case reasoning(String, rest: String)
    }

    /// What the held content is, as far as it can be told yet.
    private func bareCloseDecision() -> BareCloseDecision {
        let bytes = Array(pending.utf8)
        let closeAt = Self.firstIndex(of: Self.closeBytes, in: bytes)
        let openAt = Self.firstIndex(of: Self.openBytes, in: bytes)
        if let closeAt {
            guard closeAt <= holdLimit, openAt.map({ $0 > closeAt }) ?? true else { return .text }
            // The tag is ASCII, so both sides are whole UTF-8.
            let reasoning = String(decoding: bytes[..<closeAt], as: UTF8.self).drop { $0.isWhitespace }
            let rest = String(decoding: bytes[(closeAt + Self.closeBytes.count)...], as: UTF8.self)
            return .reasoning(String(reasoning), rest: rest)
        }
        // A `<think>` before any close: text that talks about the tags. Past the limit, a close
        // could no longer start within it.
        if openAt != nil || bytes.count >= holdLimit + Self.closeBytes.count { return .text }
        return .wait
    }

    /// Something other than content (a tool call) arrived: held content is text, and it goes
    /// first (it came before the call). Whitespace held while the content might still open with
    /// `<think>` is text too.
    mutating func endLeadingWhitespace() -> [Piece] {
        guard phase == .undecided || phase == .holding, !pending.isEmpty else { return [] }
        phase = .text
        defer { pending = "" }
        return [.text(pending)]
    }

    /// Reasoning arrived in its own field (`reasoning_content`): the model does not put its
    /// reasoning in the content, so held content is text (it goes first: it came first), and
    /// content is not held from now on. Leading whitespace stays held (it may still open `<think>`).
    mutating func separateReasoningArrived() -> [Piece] {
        separateReasoning = true
        guard phase == .holding else { return [] }
        phase = .text
        defer { pending = "" }
        return pending.isEmpty ? [] : [.text(pending)]
    }

    /// Whatever is held back, at the end of the stream.
    mutating func flush() -> [Piece] {
        defer { pending = "" }
        guard !pending.isEmpty else { return [] }
        switch phase {
        case .thinking: return [.reasoning(pending)]
        case .afterThinking: return []
        case .undecided, .holding, .text: return [.text(pending)]
        }
    }

    /// The position of the first occurrence of `needle` in `bytes`.
    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard let first = needle.first, needle.count <= bytes.count else { return nil }
        var i = 0
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first, bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// The length of the longest suffix of `text` that is a proper prefix of `tag`.
    private static func partialSuffixLength(of text: String, matching tag: String) -> Int {
        var length = min(text.count, tag.count - 1)
        while length > 0 {
            if tag.hasPrefix(text.suffix(length)) { return length }
            length -= 1
        }
        return 0
    }
}

/// Which upstream models put their reasoning into the content, ending it with a bare `</think>`.
public enum ReasoningLeak {
    /// GLM (zai-org) at low or no reasoning effort: its chat template opens `<think>` in the
    /// prompt, so the content carries the reasoning and the close tag only. Other models answer
    /// without the hold-back this needs.
    public static func endsWithBareClose(upstreamModel: String) -> Bool {
        let id = upstreamModel.lowercased()
        return id.contains("glm")
    }
}
