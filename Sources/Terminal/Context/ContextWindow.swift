import ClaudeAPI
import Translation

/// How much of a model's context window a request takes, by the pipeline's own estimate
/// (``TokenEstimator``), and whether the chat should compact before sending it.
///
/// A request needs its prompt plus its answer budget (`max_tokens`) inside the window. The chat
/// compacts when that sum passes ``compactionThreshold`` of the window: the estimate can be off
/// by a quarter either way, so waiting for 100% would still meet the upstream's refusal.
///
/// ```swift
/// let window = ContextWindow(window: 131_072, maxTokens: 16_384)
/// window.shouldCompact(promptTokens: 100_000)   // true: 116k of 131k is over 85%
/// ```
public struct ContextWindow: Sendable, Hashable {
    /// The model's window (prompt and answer together), from the catalogue.
    public var window: Int
    /// The answer budget each request reserves.
    public var maxTokens: Int

    /// The share of the window (prompt plus answer budget) past which the chat compacts.
    public static let compactionThreshold = 0.85

    public init(window: Int, maxTokens: Int) {
        self.window = max(1, window)
        self.maxTokens = max(0, maxTokens)
    }

    /// The estimated prompt tokens of `request` (system, messages, tools).
    public static func promptTokens(_ request: MessagesRequest) -> Int {
        TokenEstimator.estimate(request)
    }

    /// The most prompt tokens a request may have before the chat compacts.
    public var promptLimit: Int {
        max(0, Int(Double(window) * Self.compactionThreshold) - maxTokens)
    }

    public func shouldCompact(promptTokens: Int) -> Bool {
        promptTokens > promptLimit
    }

    /// The share of the window taken by the prompt and the answer budget, 0...1 or more.
    public func fraction(promptTokens: Int) -> Double {
        Double(promptTokens + maxTokens) / Double(window)
    }

    /// `37%`: the share of the window the prompt and the answer budget take (at least 1% once
    /// anything is used, so a small start does not read as empty).
    public func percent(promptTokens: Int) -> String {
        let value = fraction(promptTokens: promptTokens) * 100
        let rounded = Int(value.rounded())
        return "\(value > 0 && rounded == 0 ? 1 : rounded)%"
    }

    /// The `/usage` lines about the window.
    public func summary(promptTokens: Int, model: String) -> [String] {
        let count = UsageLedger.count
        return [
            "context: ~\(count(promptTokens)) tokens of conversation + \(count(maxTokens)) reserved for the answer"
                + " = \(percent(promptTokens: promptTokens)) of \(model)'s \(count(window))-token window",
            "  compacts on its own past ~\(count(promptLimit)) tokens of conversation (/compact does it now)",
        ]
    }
}
