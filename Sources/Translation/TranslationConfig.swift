/// The settings the translation needs, read once at start-up by the command layer.
public struct TranslationConfig: Sendable, Hashable {
    /// Used for `opus` names and for anything not otherwise matched.
    public var bigModel: String
    /// Used for `sonnet` names.
    public var middleModel: String
    /// Used for `haiku` names.
    public var smallModel: String
    /// Used whenever the conversation holds an image.
    public var visionModel: String
    /// `max_tokens` is clamped to `minTokens...maxTokens`.
    public var minTokens: Int
    public var maxTokens: Int
    /// Replace images of earlier turns by a short text note, so that only images of the last
    /// user message reach the upstream (and decide the vision routing).
    public var stripImageContext: Bool

    // Built-in defaults: ids in the Nebius catalogue in the second half of 2026 (GLM-4.7-FP8,
    // Qwen3-Coder-480B and their peers left it in 2026-05). The catalogue changes every few
    // months: configuration and the live catalogue take precedence over these.
    public static let defaultBigModel = "zai-org/GLM-5.2"
    public static let defaultMiddleModel = "moonshotai/Kimi-K2.7-Code"
    public static let defaultSmallModel = "openai/gpt-oss-120b"
    public static let defaultVisionModel = "Qwen/Qwen2.5-VL-72B-Instruct"

    public init(
        bigModel: String = TranslationConfig.defaultBigModel,
        middleModel: String = TranslationConfig.defaultMiddleModel,
        smallModel: String = TranslationConfig.defaultSmallModel,
        visionModel: String = TranslationConfig.defaultVisionModel,
        minTokens: Int = 1,
        maxTokens: Int = 32768,
        stripImageContext: Bool = false
    ) {
        self.bigModel = bigModel
        self.middleModel = middleModel
        self.smallModel = smallModel
        self.visionModel = visionModel
        self.minTokens = minTokens
        self.maxTokens = max(minTokens, maxTokens)
        self.stripImageContext = stripImageContext
    }
}
