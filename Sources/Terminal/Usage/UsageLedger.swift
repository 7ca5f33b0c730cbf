import ClaudeAPI
import Upstream

/// Tokens used so far in a conversation, per upstream model, and what they cost.
///
/// ```swift
/// var ledger = UsageLedger()
/// ledger.record(model: "openai/gpt-oss-20b", usage: response.usage)
/// ledger.summary(prices: ["openai/gpt-oss-20b": price])
/// ```
public struct UsageLedger: Sendable, Hashable, Codable {
    public struct Tally: Sendable, Hashable, Codable {
        public var inputTokens = 0
        public var outputTokens = 0
        public var requests = 0
        public init() {}

        enum CodingKeys: String, CodingKey {
            case requests
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
        }
    }

    /// Per upstream model id.
    public private(set) var byModel: [String: Tally] = [:]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case byModel = "by_model"
    }

    public mutating func record(model: String, usage: Usage) {
        var tally = byModel[model] ?? Tally()
        // Cache reads are input too; the catalogue prices them the same.
        tally.inputTokens += usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens
        tally.outputTokens += usage.outputTokens
        tally.requests += 1
        byModel[model] = tally
    }

    public var inputTokens: Int { byModel.values.reduce(0) { $0 + $1.inputTokens } }
    public var outputTokens: Int { byModel.values.reduce(0) { $0 + $1.outputTokens } }

    /// The total cost, or `nil` when any model used has no known price.
    public func cost(prices: [String: CatalogueModel.Price]) -> Double? {
        var total = 0.0
        for (model, tally) in byModel {
            guard let price = prices[model] else { return nil }
            total += price.cost(input: tally.inputTokens, output: tally.outputTokens)
        }
        return total
    }

    /// Lines for `/usage`: one per model, then the total, with costs where prices are known.
    public func summary(prices: [String: CatalogueModel.Price]) -> [String] {
        if byModel.isEmpty { return ["No tokens used yet in this conversation."] }
        var lines: [String] = []
        for (model, tally) in byModel.sorted(by: { $0.key < $1.key }) {
            var line = "\(model): \(Self.count(tally.inputTokens)) in, \(Self.count(tally.outputTokens)) out, \(tally.requests) request\(tally.requests == 1 ? "" : "s")"
            if let price = prices[model] {
                line += ", " + Self.dollars(price.cost(input: tally.inputTokens, output: tally.outputTokens))
            }
            lines.append(line)
        }
        var total = "total: \(Self.count(inputTokens)) in, \(Self.count(outputTokens)) out"
        if let cost = cost(prices: prices) {
            total += ", " + Self.dollars(cost)
        } else {
            let unpriced = byModel.keys.filter { prices[$0] == nil }.sorted()
            total += " (cost unknown: the catalogue gives no price for \(unpriced.joined(separator: ", ")))"
        }
        lines.append(total)
        return lines
    }

    /// `1234567` -> `1,234,567`.
    public static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// Dollars with enough digits to see small amounts: `$0.000123`, `$0.0123`, `$1.23`.
    public static func dollars(_ amount: Double) -> String {
        let digits: Int
        switch amount {
        case 0: return "$0.00"
        case ..<0.01: digits = 6
        case ..<1: digits = 4
        default: digits = 2
        }
        return "$" + fixed(amount, digits: digits)
    }

    /// Fixed-point formatting without Foundation's `String(format:)`.
    static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (value * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        guard digits > 0 else { return String(whole) }
        let fractionText = String(abs(fraction))
        return "\(whole)." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
}
