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

    public static let defaultBigModel = "zai-org/GLM-4.7-FP8"
    public static let defaultMiddleModel = "Qwen/Qwen3-Coder-480B-A35B-Instruct"
    public static let defaultSmallModel = "openai/gpt-oss-20b"
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
