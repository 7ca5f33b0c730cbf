import Foundation

// The fast path for encoding what goes to clients: a hand-written ``JSONWriter`` serialization
// that writes exactly what `JSONEncoder` writes with `.sortedKeys` (same keys, same escapes).
// `sseFrame(encoder:)` uses it whenever the encoder's settings allow (no pretty printing,
// default key strategy); a Foundation `JSONEncoder` costs several microseconds per event.

extension StreamEvent {
    /// Whether `encoder` writes what the fast path writes (up to key order).
    static func fastPathEscapesSlashes(for encoder: JSONEncoder) -> Bool? {
        guard !encoder.outputFormatting.contains(.prettyPrinted), case .useDefaultKeys = encoder.keyEncodingStrategy else { return nil }
        return !encoder.outputFormatting.contains(.withoutEscapingSlashes)
    }

    /// The SSE frame `event: <name>\ndata: <json>\n\n` as bytes, written directly.
    public func sseFrameBytes(escapingSlashes: Bool = true) -> [UInt8]? {
        var w = JSONWriter(capacity: 128, escapesSlashes: escapingSlashes)
        w.raw("event: ")
        w.bytes.append(contentsOf: name.utf8)
        w.raw("\ndata: ")
        write(to: &w)
        w.raw("\n\n")
        return w.failed ? nil : w.bytes
    }

    public func write(to w: inout JSONWriter) {
        w.beginObject()
        switch self {
        case .messageStart(let message):
            w.key("message"); message.write(to: &w)
        case .contentBlockStart(let index, let block):
            w.key("content_block"); block.write(to: &w)
            w.key("index"); w.int(index)
        case .contentBlockDelta(let index, let delta):
            w.key("delta"); delta.write(to: &w)
            w.key("index"); w.int(index)
        case .contentBlockStop(let index):
            w.key("index"); w.int(index)
        case .messageDelta(let stopReason, let stopSequence, let usage):
            w.key("delta")
            w.beginObject()
            w.key("stop_reason"); if let stopReason { w.string(stopReason.rawValue) } else { w.null() }
            w.key("stop_sequence"); if let stopSequence { w.string(stopSequence) } else { w.null() }
            w.endObject()
            w.key("type"); w.string(name)
            w.key("usage"); usage.write(to: &w)
            w.endObject()
            return
        case .error(let error):
            w.key("error"); error.write(to: &w)
        case .messageStop, .ping:
            break
        }
        w.key("type"); w.string(name)
        w.endObject()
    }
}

extension BlockDelta {
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        switch self {
        case .text(let s): w.key("text"); w.string(s)
        case .thinking(let s): w.key("thinking"); w.string(s)
        case .signature(let s): w.key("signature"); w.string(s)
        case .inputJSON(let s): w.key("partial_json"); w.string(s)
        }
        w.key("type"); w.string(type)
        w.endObject()
    }
}

extension MessagesResponse {
    /// The message as compact JSON (what `JSONEncoder` with `.sortedKeys` writes).
    public func jsonBytes(escapingSlashes: Bool = true) -> [UInt8] {
        var w = JSONWriter(capacity: 1024, escapesSlashes: escapingSlashes)
        write(to: &w)
        return w.bytes
    }

    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("content")
        w.beginArray()
        for block in content { block.write(to: &w) }
        w.endArray()
        w.key("id"); w.string(id)
        w.key("model"); w.string(model)
        w.key("role"); w.string(role)
        w.key("stop_reason"); if let stopReason { w.string(stopReason.rawValue) } else { w.null() }
        w.key("stop_sequence"); if let stopSequence { w.string(stopSequence) } else { w.null() }
        w.key("type"); w.string(type)
        w.key("usage"); usage.write(to: &w)
        w.endObject()
    }
}

extension Usage {
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("cache_creation_input_tokens"); w.int(cacheCreationInputTokens)
        w.key("cache_read_input_tokens"); w.int(cacheReadInputTokens)
        w.key("input_tokens"); w.int(inputTokens)
        w.key("output_tokens"); w.int(outputTokens)
        if let serverToolUse {
            w.key("server_tool_use")
            w.beginObject()
            w.key("web_fetch_requests"); w.int(serverToolUse.webFetchRequests)
            w.key("web_search_requests"); w.int(serverToolUse.webSearchRequests)
            w.endObject()
        }
        w.endObject()
    }
}

extension APIError {
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("message"); w.string(message)
        w.key("type"); w.string(type.rawValue)
        w.endObject()
    }
}

extension ContentBlock {
    public func write(to w: inout JSONWriter) {
        switch self {
        case .unknown(_, let raw):
            w.value(raw)
            return
        case .text(let block):
            w.beginObject()
            w.key("text"); w.string(block.text)
        case .image(let block):
            w.beginObject()
            w.key("source"); block.source.write(to: &w)
        case .document(let block):
            w.beginObject()
            w.key("source"); block.source.write(to: &w)
            if let title = block.title { w.key("title"); w.string(title) }
        case .toolUse(let block):
            w.beginObject()
            w.key("id"); w.string(block.id)
            w.key("input"); w.value(block.input)
            w.key("name"); w.string(block.name)
        case .toolResult(let block):
            w.beginObject()
            w.key("content")
            w.beginArray()
            for inner in block.content { inner.write(to: &w) }
            w.endArray()
            if block.isError { w.key("is_error"); w.bool(true) }
            w.key("tool_use_id"); w.string(block.toolUseID)
        case .thinking(let block):
            w.beginObject()
            w.key("signature"); w.string(block.signature)
            w.key("thinking"); w.string(block.thinking)
        case .redactedThinking(let data):
            w.beginObject()
            w.key("data"); w.string(data)
        }
        w.key("type"); w.string(type)
        w.endObject()
    }
}

extension ImageSource {
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        switch self {
        case .base64(let mediaType, let data):
            w.key("data"); w.string(data)
            w.key("media_type"); w.string(mediaType)
            w.key("type"); w.string("base64")
        case .url(let url):
            w.key("type"); w.string("url")
            w.key("url"); w.string(url)
        }
        w.endObject()
    }
}

extension DocumentSource {
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        switch self {
        case .base64(let mediaType, let data):
            w.key("data"); w.string(data)
            w.key("media_type"); w.string(mediaType)
            w.key("type"); w.string("base64")
        case .text(let text):
            w.key("data"); w.string(text)
            w.key("media_type"); w.string("text/plain")
            w.key("type"); w.string("text")
        case .content(let blocks):
            w.key("content")
            w.beginArray()
            for block in blocks { block.write(to: &w) }
            w.endArray()
            w.key("type"); w.string("content")
        case .url(let url):
            w.key("type"); w.string("url")
            w.key("url"); w.string(url)
        }
        w.endObject()
    }
}
