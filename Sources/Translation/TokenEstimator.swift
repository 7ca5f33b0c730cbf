import ClaudeAPI
import Foundation

/// Estimates the input tokens of a request for `count_tokens`, without a tokenizer.
///
/// How: text counts one token per 4 ASCII bytes plus one per 1.5 non-ASCII characters (CJK and
/// other scripts tokenize densely); tool definitions count their name, description and schema as
/// compact JSON text, plus 20 tokens each; every message adds 4 and the request 8 for the chat
/// template; images count `width * height / 750` from the PNG, GIF or WebP header, capped at
/// 1,600 like Claude's own image scaling, or 1,600 when the size cannot be read cheaply (JPEG, URLs).
///
/// How far off: open models' tokenizers differ by about 10-20% among themselves on English
/// prose and code; against any one of them expect the estimate within roughly 25%, lower for
/// whitespace-heavy code and higher for text in scripts such as Chinese. It is meant for
/// Claude Code's context gauge and compaction decisions, not for billing.
public enum TokenEstimator {
    public static func estimate(_ request: MessagesRequest) -> Int {
        var total = 8
        for text in request.system?.textBlocks ?? [] { total += textTokens(text) }
        for message in request.messages {
            total += 4
            for block in message.content { total += blockTokens(block) }
        }
        for tool in request.tools ?? [] {
            // A server tool goes upstream as a small function tool (ServerToolKind.clientTool).
            if !tool.isClientTool { total += 60; continue }
            total += 20 + textTokens(tool.name) + textTokens(tool.description ?? "")
            if let schema = tool.inputSchema { total += tokens(UTF8Tally(json: schema)) }
        }
        return total
    }

    static func blockTokens(_ block: ContentBlock) -> Int {
        switch block {
        case .text(let t): return textTokens(t.text)
        case .image(let image): return imageTokens(image.source)
        case .document(let d):
            switch d.source {
            case .text(let t): return textTokens(t)
            case .content(let blocks): return blocks.reduce(0) { $0 + blockTokens($1) }
            case .base64(_, let data): return data.utf8.count / 8
            case .url: return 1600
            }
        case .toolUse(let use): return 10 + textTokens(use.name) + tokens(UTF8Tally(json: use.input))
        case .toolResult(let result): return 10 + result.content.reduce(0) { $0 + blockTokens($1) }
        case .thinking(let t): return textTokens(t.thinking)
        case .redactedThinking(let data): return data.utf8.count / 4
        case .unknown(_, let raw): return tokens(UTF8Tally(json: raw))
        }
    }

    /// Tokens of a piece of text (see the type's notes for the rule).
    public static func textTokens(_ text: String) -> Int {
        tokens(UTF8Tally(text))
    }

    /// Counted over UTF-8 bytes (a scalar walk costs several times more on long prompts); JSON
    /// is tallied as its compact text without writing it.
    static func tokens(_ tally: UTF8Tally) -> Int {
        (tally.ascii + 3) / 4 + (tally.leading * 2 + 2) / 3
    }

    static func imageTokens(_ source: ImageSource) -> Int {
        guard case .base64(_, let data) = source,
              let (width, height) = imageSize(base64Prefix: String(data.prefix(64)))
        else { return 1600 }
        return max(1, min(1600, width * height / 750))
    }

    /// Width and height from the first bytes of a PNG, GIF or WebP (VP8X/VP8L/VP8) file.
    static func imageSize(base64Prefix: String) -> (Int, Int)? {
        guard let bytes = Data(base64Encoded: base64Prefix).map(Array.init), bytes.count >= 30 else { return nil }
        func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        func le16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func le24(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) << 16 }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return (be32(16), be32(20)) }
        if bytes.starts(with: Array("GIF8".utf8)) { return (le16(6), le16(8)) }
        if bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            switch String(decoding: bytes[12..<16], as: UTF8.self) {
            case "VP8X": return (le24(24) + 1, le24(27) + 1)
            case "VP8L":
                let b = bytes[21...24].map(Int.init)
                return ((b[0] | (b[1] & 0x3F) << 8) + 1, ((b[1] >> 6) | b[2] << 2 | (b[3] & 0x0F) << 10) + 1)
            case "VP8 ": return (le16(26) & 0x3FFF, le16(28) & 0x3FFF)
            default: return nil
            }
        }
        return nil
    }
}
