import Translation
import Upstream

/// The environment Claude Code runs in under `nebius-chat claude`: pointed at the in-process
/// serve, told the Nebius ids it talks to and how large their windows are.
///
/// ```swift
/// let env = ClaudeEnvironment(baseURL: "http://127.0.0.1:41234", launchKey: key,
///                             translation: resolved, windows: [:], maxTokensLimit: 32768)
/// let childEnvironment = env.applied(to: ProcessInfo.processInfo.environment)
/// ```
struct ClaudeEnvironment: Sendable {
    var baseURL: String
    /// The random client key of this launch (serve requires it).
    var launchKey: String
    /// The roles resolved against the catalogue.
    var translation: TranslationConfig
    /// Context windows by upstream id, from the catalogue (missing when unknown).
    var windows: [String: Int]
    /// `MAX_TOKENS_LIMIT`.
    var maxTokensLimit: Int

    /// Claude Code's output default for models it does not know (its own Sonnet default).
    static let defaultOutputTokens = 32_000

    /// Variables that always point Claude Code at this launch's serve.
    var connection: [String: String] {
        ["ANTHROPIC_BASE_URL": baseURL, "ANTHROPIC_AUTH_TOKEN": launchKey]
    }

    /// Variables a user may have set already, whose value then wins.
    var tuning: [String: String] {
        var values = [
            // Nebius ids, not Claude names: Claude Code then knows they are not Claude models
            // (no Claude-only betas) and the request names the model serve sends upstream.
            "ANTHROPIC_DEFAULT_OPUS_MODEL": translation.bigModel,
            "ANTHROPIC_DEFAULT_SONNET_MODEL": translation.middleModel,
            "ANTHROPIC_DEFAULT_HAIKU_MODEL": translation.smallModel,
            // The name releases before the _HAIKU_ one read.
            "ANTHROPIC_SMALL_FAST_MODEL": translation.smallModel,
            // No attribution block in the system prompt: the prompt prefix stays the same from
            // turn to turn, so the upstream's prefix cache keeps working.
            "CLAUDE_CODE_ATTRIBUTION_HEADER": "0",
            // No telemetry, update checks or error reports to Anthropic from a Nebius session.
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        ]
        if let window = contextWindow {
            values["CLAUDE_CODE_MAX_CONTEXT_TOKENS"] = String(window)
        }
        values["CLAUDE_CODE_MAX_OUTPUT_TOKENS"] = String(maxOutputTokens)
        return values
    }

    /// The window Claude Code compacts against: the smallest of the models its main loop may
    /// use (opus and sonnet map to BIG and MIDDLE), so a switch with `/model` never overflows.
    /// `nil` when the catalogue knows neither.
    var contextWindow: Int? {
        [translation.bigModel, translation.middleModel].compactMap { windows[$0] }.filter { $0 > 0 }.min()
    }

    /// ``OutputBudget`` of that window, within `MAX_TOKENS_LIMIT`; without a window, Claude
    /// Code's own default within the limit.
    var maxOutputTokens: Int {
        guard let window = contextWindow else { return min(Self.defaultOutputTokens, maxTokensLimit) }
        return OutputBudget.maxTokens(window: window, limit: maxTokensLimit)
    }

    /// `environment` with this launch's variables: the connection always, the tuning ones only
    /// where the user has not set them. `ANTHROPIC_API_KEY` is removed: Claude Code would send
    /// it instead of the launch key (and ask whether to trust it).
    func applied(to environment: [String: String]) -> [String: String] {
        var result = environment
        result["ANTHROPIC_API_KEY"] = nil
        for (name, value) in connection { result[name] = value }
        for (name, value) in tuning where (environment[name] ?? "").isEmpty {
            result[name] = value
        }
        return result
    }
}
