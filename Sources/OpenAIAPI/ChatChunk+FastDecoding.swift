import Foundation

// The fast path for decoding upstream chunks and answers: a ``JSONReader`` pass that mirrors the
// `Decodable` implementations member by member and skips unknown members without building
// them; anything unusual goes through `JSONDecoder`, so results and errors are exactly
// Foundation's.

extension ChatChunk {
    /// Decodes one `data:` payload of a stream (or a whole non-streaming answer).
    ///
    /// ```swift
    /// let chunk = try ChatChunk.decode(json: payload)
    /// ```
    @inlinable
    public static func decode<Bytes: Collection>(json bytes: Bytes) throws -> ChatChunk where Bytes.Element == UInt8 {
        let fast = bytes.withContiguousStorageIfAvailable { fastDecode($0) } ?? Array(bytes).withUnsafeBufferPointer { fastDecode($0) }
        if let fast { return fast }
        return try JSONDecoder().decode(ChatChunk.self, from: Data(bytes))
    }

    /// The fast path alone: `nil` when it cannot decode `buffer` (then `JSONDecoder` decides).
    public static func fastDecode(_ buffer: UnsafeBufferPointer<UInt8>) -> ChatChunk? {
        var chunk: ChatChunk?
        do {
            try JSONReader.read(buffer) { reader throws(JSONFieldMismatch) in chunk = try ChatChunk(reading: &reader) }
        } catch {
            return nil
        }
        return chunk
    }

    /// Reads a chunk member by member, skipping unknown members without building them.
    /// A known member given twice is a mismatch (`JSONDecoder` keeps the first; leave it that).
    init(reading reader: inout JSONReader) throws(JSONFieldMismatch) {
        self.init()
        var seen = KeySet()
        try reader.readObject { reader, key throws(JSONFieldMismatch) in
            if key == "choices" {
                try seen.insert(0)
                if try !reader.readNull() {
                    try reader.readArray { reader throws(JSONFieldMismatch) in choices.append(try Choice(reading: &reader)) }
                }
            } else if key == "id" {
                try seen.insert(1)
                id = try reader.readOptionalString()
            } else if key == "model" {
                try seen.insert(2)
                model = try reader.readOptionalString()
            } else if key == "usage" {
                try seen.insert(3)
                if try !reader.readNull() { usage = try ChatUsage(reading: &reader) }
            } else if key == "error" {
                try seen.insert(4)
                if try !reader.readNull() { error = try reader.readValue() }
            } else {
                try reader.skipValue()
            }
        }
    }
}

/// Which known members an object has had, to refuse duplicates.
struct KeySet {
    private var bits: UInt32 = 0
    mutating func insert(_ bit: Int) throws(JSONFieldMismatch) {
        let mask: UInt32 = 1 << UInt32(bit)
        guard bits & mask == 0 else { throw JSONFieldMismatch() }
        bits |= mask
    }
}

extension ChatChunk.Choice {
    init(reading reader: inout JSONReader) throws(JSONFieldMismatch) {
        var index: Int?
        var delta: ChatChunk.Delta?
        var message: ChatChunk.Delta?
        var finishReason: String?
        var matchedStop: String?
        var seen = KeySet()
        try reader.readObject { reader, key throws(JSONFieldMismatch) in
            if key == "delta" {
                try seen.insert(0)
                if try !reader.readNull() { delta = try ChatChunk.Delta(reading: &reader) }
            } else if key == "index" {
                try seen.insert(1)
                index = try reader.readOptionalInt()
            } else if key == "finish_reason" {
                try seen.insert(2)
                finishReason = try reader.readOptionalString()
            } else if key == "stop_reason" {
                try seen.insert(3)
                // Like `try?` in `init(from:)`: only a string is a stop string.
                let value = try reader.readValue()
                matchedStop = value.stringValue
            } else if key == "message" {
                try seen.insert(4)
                if try !reader.readNull() { message = try ChatChunk.Delta(reading: &reader) }
            } else {
                try reader.skipValue()
            }
        }
        self.init(index: index, delta: delta ?? message ?? ChatChunk.Delta(), finishReason: finishReason, matchedStop: matchedStop)
    }
}

extension ChatChunk.Delta {
    init(reading reader: inout JSONReader) throws(JSONFieldMismatch) {
        self.init()
        var seen = KeySet()
        try reader.readObject { reader, key throws(JSONFieldMismatch) in
            if key == "content" {
                try seen.insert(0)
                content = try reader.readOptionalString()
            } else if key == "reasoning_content" {
                try seen.insert(1)
                reasoningContent = try reader.readOptionalString()
            } else if key == "reasoning" {
                try seen.insert(2)
                reasoning = try reader.readOptionalString()
            } else if key == "tool_calls" {
                try seen.insert(3)
                if try !reader.readNull() {
                    var calls: [ChatChunk.ToolCallDelta] = []
                    try reader.readArray { reader throws(JSONFieldMismatch) in calls.append(try ChatChunk.ToolCallDelta(reading: &reader)) }
                    toolCalls = calls
                }
            } else if key == "role" {
                try seen.insert(4)
                role = try reader.readOptionalString()
            } else {
                try reader.skipValue()
            }
        }
    }
}

extension ChatChunk.ToolCallDelta {
    init(reading reader: inout JSONReader) throws(JSONFieldMismatch) {
        self.init()
        var seen = KeySet()
        try reader.readObject { reader, key throws(JSONFieldMismatch) in
            if key == "index" {
                try seen.insert(0)
                index = try reader.readOptionalInt()
            } else if key == "id" {
                try seen.insert(1)
                id = try reader.readOptionalString()
            } else if key == "type" {
                try seen.insert(2)
                type = try reader.readOptionalString()
            } else if key == "function" {
                try seen.insert(3)
                if try !reader.readNull() {
                    var function = ChatChunk.FunctionDelta()
                    var inner = KeySet()
                    try reader.readObject { reader, key throws(JSONFieldMismatch) in
                        if key == "name" {
                            try inner.insert(0)
                            function.name = try reader.readOptionalString()
                        } else if key == "arguments" {
                            try inner.insert(1)
                            function.arguments = try reader.readOptionalString()
                        } else {
                            try reader.skipValue()
                        }
                    }
                    self.function = function
                }
            } else {
                try reader.skipValue()
            }
        }
    }
}

extension ChatUsage {
    init(reading reader: inout JSONReader) throws(JSONFieldMismatch) {
        self.init(promptTokens: 0, completionTokens: 0)
        var seen = KeySet()
        try reader.readObject { reader, key throws(JSONFieldMismatch) in
            if key == "prompt_tokens" {
                try seen.insert(0)
                promptTokens = try reader.readOptionalInt() ?? 0
            } else if key == "completion_tokens" {
                try seen.insert(1)
                completionTokens = try reader.readOptionalInt() ?? 0
            } else if key == "prompt_tokens_details" {
                try seen.insert(2)
                // Like `try?` in `init(from:)`: unreadable details count as no cache hit.
                cachedTokens = ChatUsage.cachedTokens(in: try reader.readValue())
            } else {
                try reader.skipValue()
            }
        }
    }

    /// `cached_tokens` of `prompt_tokens_details` as `init(from:)` reads it (0 when unreadable).
    static func cachedTokens(in details: JSONValue) -> Int {
        guard case .object(let members) = details, let value = members["cached_tokens"] else { return 0 }
        if case .int(let i) = value { return i }
        return 0
    }
}
