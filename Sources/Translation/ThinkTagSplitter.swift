/// Splits streamed content that starts with `<think>...</think>` (models that put their
/// reasoning inline) into reasoning and text, whatever the chunk boundaries.
struct ThinkTagSplitter: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case reasoning(String)
        case text(String)
    }

    private enum Phase: Sendable, Hashable {
        /// Nothing but whitespace yet: the content may still open with `<think>`.
        case undecided
        case thinking
        /// After `</think>`, leading whitespace is dropped.
        case afterThinking
        case text
    }

    private static let open = "<think>"
    private static let close = "</think>"
    private var phase = Phase.undecided
    private var pending = ""

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
                    phase = .text
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

    /// Something other than content (a tool call) arrived while the content was only whitespace:
    /// the content no longer opens with `<think>`, and the held whitespace is text.
    mutating func endLeadingWhitespace() -> [Piece] {
        guard phase == .undecided, !pending.isEmpty else { return [] }
        phase = .text
        defer { pending = "" }
        return [.text(pending)]
    }

    /// Whatever is held back, at the end of the stream.
    mutating func flush() -> [Piece] {
        defer { pending = "" }
        guard !pending.isEmpty else { return [] }
        switch phase {
        case .thinking: return [.reasoning(pending)]
        case .afterThinking: return []
        case .undecided, .text: return [.text(pending)]
        }
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
