import ClaudeAPI
import Foundation
import OpenAIAPI
@testable import Translation

let testConfig = TranslationConfig(
    bigModel: "big/model", middleModel: "middle/model", smallModel: "small/model", visionModel: "vision/model",
    minTokens: 1, maxTokens: 32768)

func text(_ s: String) -> ContentBlock { .text(TextBlock(text: s)) }
func toolUse(_ id: String, _ name: String, _ input: JSONValue = [:]) -> ContentBlock {
    .toolUse(ToolUseBlock(id: id, name: name, input: input))
}
func toolResult(_ id: String, _ content: [ContentBlock], isError: Bool = false) -> ContentBlock {
    .toolResult(ToolResultBlock(toolUseID: id, content: content, isError: isError))
}
func pngImage(_ data: String = "iVBORw0KGgo=") -> ContentBlock {
    .image(ImageBlock(source: .base64(mediaType: "image/png", data: data)))
}
func user(_ blocks: ContentBlock...) -> Message { Message(role: .user, content: blocks) }
func assistant(_ blocks: ContentBlock...) -> Message { Message(role: .assistant, content: blocks) }
func system(_ blocks: ContentBlock...) -> Message { Message(role: .system, content: blocks) }

func translateRequest(_ request: MessagesRequest, config: TranslationConfig = testConfig) throws -> TranslatedRequest {
    let router = ModelRouter(config: config)
    return try RequestTranslator(config: config).translate(request, upstreamModel: router.route(request))
}

func translateMessages(_ messages: [Message], config: TranslationConfig = testConfig) throws -> [ChatMessage] {
    try translateRequest(MessagesRequest(model: "claude-sonnet-4-5", messages: messages, maxTokens: 100), config: config).chat.messages
}

/// The request as JSON, the way it goes upstream.
func wireJSON(_ chat: ChatRequest) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(chat))
}

extension ChatMessage {
    var textContent: String? {
        if case .text(let s)? = content { return s }
        return nil
    }
    var parts: [ContentPart]? {
        if case .parts(let p)? = content { return p }
        return nil
    }
}
