import ClaudeAPI
import OpenAIAPI

/// Translates a non-streaming chat completion into a Claude message.
///
/// It runs the answer through the same ``StreamTranslator`` and ``MessageAccumulator`` as a
/// streamed answer, as one chunk, so the two paths cannot disagree.
public struct ResponseTranslator: Sendable {
    public var requestedModel: String
    public var messageID: String
    public var toolNames: ToolNameMap
    public var estimatedInputTokens: Int
    /// The routed model's window, when known (for the wording of an overflow error).
    public var contextWindow: Int?
    /// See ``StreamTranslator/init(requestedModel:messageID:toolNames:estimatedInputTokens:contextWindow:bareThinkClose:)``.
    public var bareThinkClose: Bool

    public init(
        requestedModel: String, messageID: String, toolNames: ToolNameMap = ToolNameMap(), estimatedInputTokens: Int = 0,
        contextWindow: Int? = nil, bareThinkClose: Bool = false
    ) {
        self.bareThinkClose = bareThinkClose
        self.requestedModel = requestedModel
        self.messageID = messageID
        self.toolNames = toolNames
        self.estimatedInputTokens = estimatedInputTokens
        self.contextWindow = contextWindow
    }

    /// The Claude message for `response`, or the error it carries.
    public func translate(_ response: ChatResponse) -> Result<MessagesResponse, APIError> {
        var translator = StreamTranslator(
            requestedModel: requestedModel, messageID: messageID, toolNames: toolNames,
            estimatedInputTokens: estimatedInputTokens, contextWindow: contextWindow,
            bareThinkClose: bareThinkClose)
        var accumulator = MessageAccumulator()
        var chunk = response
        // Tool calls in a complete message carry no `index`: number them in order.
        for c in chunk.choices.indices {
            guard let calls = chunk.choices[c].delta.toolCalls else { continue }
            for i in calls.indices where calls[i].index == nil {
                chunk.choices[c].delta.toolCalls?[i].index = i
            }
        }
        for event in translator.receive(chunk) + translator.finish() {
            accumulator.apply(event)
        }
        if let error = accumulator.error { return .failure(error) }
        guard let message = accumulator.message else {
            return .failure(APIError(.api, "The upstream answer could not be translated."))
        }
        return .success(message)
    }
}
