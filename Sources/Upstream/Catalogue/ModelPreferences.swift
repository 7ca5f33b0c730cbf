/// The one place that says which Nebius models to prefer for each role when the configured one
/// is not in the catalogue. Ids come and go every few months; the first one present wins, and
/// when none is, ``ModelResolution`` picks by what the catalogue says (window, images, price).
public enum ModelPreferences {
    /// `opus` names and anything unmatched: the strongest coding and agent models first, the
    /// largest windows among them, then strong general models.
    public static let big = [
        "zai-org/GLM-5.2",
        "moonshotai/Kimi-K2.7-Code",
        "deepseek-ai/DeepSeek-V4-Pro",
        "Qwen/Qwen3.5-397B-A17B",
        "moonshotai/Kimi-K3",
        "MiniMaxAI/MiniMax-M3",
        "openai/gpt-oss-120b",
    ]

    /// `sonnet` names, Claude Code's main model: a coding model with a large window, quick
    /// enough for a whole day of tool loops.
    public static let middle = [
        "moonshotai/Kimi-K2.7-Code",
        "zai-org/GLM-5.2",
        "Qwen/Qwen3.5-397B-A17B",
        "deepseek-ai/DeepSeek-V4-Pro",
        "MiniMaxAI/MiniMax-M3",
        "openai/gpt-oss-120b",
    ]

    /// `haiku` names (titles, summaries, quick checks): small, fast and cheap.
    public static let small = [
        "openai/gpt-oss-120b",
        "openai/gpt-oss-20b",
        "google/gemma-3-27b-it",
        "nvidia/nemotron-3-super-120b-a12b",
        "Qwen/Qwen3.5-397B-A17B",
    ]

    /// Requests holding an image: models that take images, the dedicated vision model first.
    public static let vision = [
        "Qwen/Qwen2.5-VL-72B-Instruct",
        "moonshotai/Kimi-K2.7-Code",
        "moonshotai/Kimi-K3",
        "MiniMaxAI/MiniMax-M3",
        "google/gemma-3-27b-it",
    ]
}
