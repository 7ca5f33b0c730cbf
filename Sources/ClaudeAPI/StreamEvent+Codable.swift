import Foundation

extension StreamEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case type, message, index, delta, usage, error
        case contentBlock = "content_block"
    }

    enum MessageDeltaKeys: String, CodingKey {
        case stopReason = "stop_reason"
        case stopSequence = "stop_sequence"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .type)
        switch self {
        case .messageStart(let message):
            try container.encode(message, forKey: .message)
        case .contentBlockStart(let index, let block):
            try container.encode(index, forKey: .index)
            try container.encode(block, forKey: .contentBlock)
        case .contentBlockDelta(let index, let delta):
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
        case .contentBlockStop(let index):
            try container.encode(index, forKey: .index)
        case .messageDelta(let stopReason, let stopSequence, let usage):
            var delta = container.nestedContainer(keyedBy: MessageDeltaKeys.self, forKey: .delta)
            try delta.encode(stopReason, forKey: .stopReason)
            try delta.encode(stopSequence, forKey: .stopSequence)
            try container.encode(usage, forKey: .usage)
        case .error(let error):
            try container.encode(error, forKey: .error)
        case .messageStop, .ping:
            break
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "message_start":
            self = .messageStart(try container.decode(MessagesResponse.self, forKey: .message))
        case "content_block_start":
            self = .contentBlockStart(
                index: try container.decode(Int.self, forKey: .index),
                block: try container.decode(ContentBlock.self, forKey: .contentBlock))
        case "content_block_delta":
            self = .contentBlockDelta(
                index: try container.decode(Int.self, forKey: .index),
                delta: try container.decode(BlockDelta.self, forKey: .delta))
        case "content_block_stop":
            self = .contentBlockStop(index: try container.decode(Int.self, forKey: .index))
        case "message_delta":
            let delta = try container.nestedContainer(keyedBy: MessageDeltaKeys.self, forKey: .delta)
            self = .messageDelta(
                stopReason: try delta.decodeIfPresent(StopReason.self, forKey: .stopReason),
                stopSequence: try delta.decodeIfPresent(String.self, forKey: .stopSequence),
                usage: try container.decodeIfPresent(Usage.self, forKey: .usage) ?? Usage())
        case "message_stop":
            self = .messageStop
        case "ping":
            self = .ping
        case "error":
            self = .error(try container.decode(APIError.self, forKey: .error))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown stream event \"\(type)\"")
        }
    }

    /// The event as one SSE frame: `event: <name>\ndata: <json>\n\n`.
    ///
    /// Written directly (see ``sseFrameBytes(escapingSlashes:)``) when `encoder` has no pretty
    /// printing or key strategy: the same JSON as `encoder` with `.sortedKeys`, much faster.
    public func sseFrame(encoder: JSONEncoder) throws -> Data {
        if let escapesSlashes = Self.fastPathEscapesSlashes(for: encoder), let bytes = sseFrameBytes(escapingSlashes: escapesSlashes) {
            return Data(bytes)
        }
        var frame = Data("event: \(name)\ndata: ".utf8)
        frame.append(try encoder.encode(self))
        frame.append(contentsOf: [0x0A, 0x0A])
        return frame
    }
}

extension BlockDelta: Codable {
    enum CodingKeys: String, CodingKey {
        case type, text, thinking, signature
        case partialJSON = "partial_json"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .text(let s): try container.encode(s, forKey: .text)
        case .thinking(let s): try container.encode(s, forKey: .thinking)
        case .signature(let s): try container.encode(s, forKey: .signature)
        case .inputJSON(let s): try container.encode(s, forKey: .partialJSON)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "text_delta": self = .text(try container.decode(String.self, forKey: .text))
        case "thinking_delta": self = .thinking(try container.decode(String.self, forKey: .thinking))
        case "signature_delta": self = .signature(try container.decode(String.self, forKey: .signature))
        case "input_json_delta": self = .inputJSON(try container.decode(String.self, forKey: .partialJSON))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown delta type \"\(type)\"")
        }
    }
}
