/// How long an answer may be for a model's window: a quarter of the window, so that a long
/// conversation still has room, within `MAX_TOKENS_LIMIT`. The one rule behind serve's
/// `/v1/models` `max_tokens`, the chat's default `max_tokens` and Claude Code's
/// `CLAUDE_CODE_MAX_OUTPUT_TOKENS`.
public enum OutputBudget {
    public static func maxTokens(window: Int, limit: Int) -> Int {
        max(1, min(limit, max(256, window / 4)))
    }
}
