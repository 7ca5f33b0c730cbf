import ClaudeAPI

/// The quiet line after each answer: `zai-org/GLM-4.7-FP8 · 1,234 in · 56 out · 2.1s · $0.0012`.
public enum UsageLine {
    public static func format(model: String, usage: Usage, seconds: Double, cost: Double?) -> String {
        let input = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens
        var parts = [
            model,
            "\(UsageLedger.count(input)) in",
            "\(UsageLedger.count(usage.outputTokens)) out",
            UsageLedger.fixed(seconds, digits: 1) + "s",
        ]
        if let cost { parts.append(UsageLedger.dollars(cost)) }
        return parts.joined(separator: " · ")
    }
}
