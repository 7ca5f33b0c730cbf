import ClaudeAPI

/// Picks the upstream model for a request: the one routing rule shared by the proxy and the REPL.
///
/// ```swift
/// let router = ModelRouter(config: TranslationConfig())
/// router.route(modelName: "claude-sonnet-4-5[1m]")   // config.middleModel
/// ```
public struct ModelRouter: Sendable {
    public var config: TranslationConfig

    public init(config: TranslationConfig) {
        self.config = config
    }

    /// The upstream model for `request`: the vision model when an image will be sent,
    /// otherwise the mapping of the requested name.
    public func route(_ request: MessagesRequest) -> String {
        sendsImages(request) ? config.visionModel : route(modelName: request.model)
    }

    /// Whether an image of `request` will reach the upstream (which routes it to the vision model).
    public func sendsImages(_ request: MessagesRequest) -> Bool {
        // Judge the messages the translator sends: `role: system` entries folded away (their
        // images are not sent) and same-role turns merged, so "the last user message" agrees.
        let conversation = RequestTranslator.mergedTurns(request.messages.filter { $0.role != .system })
        return ImagePolicy(config: config, messages: conversation).sendsAnyImage
    }

    /// The mapping of a requested model name, ignoring images.
    public func route(modelName: String) -> String {
        let name = Self.strippingContextSuffix(modelName)
        if name.contains("/") { return name }
        let lower = name.lowercased()
        if lower.contains("haiku") { return config.smallModel }
        if lower.contains("sonnet") { return config.middleModel }
        if lower.contains("opus") { return config.bigModel }
        return config.bigModel
    }

    /// `claude-sonnet-4-5[1m]` and `claude-sonnet-4-5-1m` name the same model as `claude-sonnet-4-5`.
    static func strippingContextSuffix(_ name: String) -> String {
        if name.hasSuffix("[1m]") { return String(name.dropLast(4)) }
        if name.hasSuffix("-1m") { return String(name.dropLast(3)) }
        return name
    }
}

/// Which messages keep their images. With `stripImageContext`, only the last user message does;
/// images of earlier turns become a short text note and no longer decide the routing.
struct ImagePolicy {
    let keepsAll: Bool
    let lastUserIndex: Int?
    let messages: [Message]

    init(config: TranslationConfig, messages: [Message]) {
        self.keepsAll = !config.stripImageContext
        self.lastUserIndex = messages.lastIndex { $0.role == .user }
        self.messages = messages
    }

    func keepsImages(ofMessageAt index: Int) -> Bool {
        keepsAll || index == lastUserIndex
    }

    var sendsAnyImage: Bool {
        // Only user content carries images upstream (assistant images are dropped).
        messages.indices.contains {
            messages[$0].role == .user && keepsImages(ofMessageAt: $0) && messages[$0].content.contains(where: \.holdsImage)
        }
    }
}

extension ContentBlock {
    /// Whether the block is an image or a tool result that carries one.
    var holdsImage: Bool {
        switch self {
        case .image: return true
        case .toolResult(let result): return result.content.contains(where: \.holdsImage)
        default: return false
        }
    }
}
