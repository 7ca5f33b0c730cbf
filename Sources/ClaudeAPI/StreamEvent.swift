/// One server-sent event of a streamed Messages answer.
///
/// The SSE frame is `event: <name>\ndata: <json>\n\n`; see ``StreamEvent/sseFrame(encoder:)``.
public enum StreamEvent: Sendable, Hashable {
    case messageStart(MessagesResponse)
    case contentBlockStart(index: Int, block: ContentBlock)
    case contentBlockDelta(index: Int, delta: BlockDelta)
    case contentBlockStop(index: Int)
    case messageDelta(stopReason: StopReason?, stopSequence: String?, usage: Usage)
    case messageStop
    case ping
    case error(APIError)

    /// The value of the `event:` line.
    public var name: String {
        switch self {
        case .messageStart: return "message_start"
        case .contentBlockStart: return "content_block_start"
        case .contentBlockDelta: return "content_block_delta"
        case .contentBlockStop: return "content_block_stop"
        case .messageDelta: return "message_delta"
        case .messageStop: return "message_stop"
        case .ping: return "ping"
        case .error: return "error"
        }
    }
}

/// The incremental change carried by `content_block_delta`.
public enum BlockDelta: Sendable, Hashable {
    case text(String)
    case thinking(String)
    case signature(String)
    case inputJSON(String)

    public var type: String {
        switch self {
        case .text: return "text_delta"
        case .thinking: return "thinking_delta"
        case .signature: return "signature_delta"
        case .inputJSON: return "input_json_delta"
        }
    }
}
