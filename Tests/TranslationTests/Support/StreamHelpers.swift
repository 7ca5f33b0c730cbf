import ClaudeAPI
import Foundation
import OpenAIAPI
@testable import Translation

// MARK: Building upstream chunks

/// One chunk with one choice (index 0).
func chunk(
    content: String? = nil, reasoningContent: String? = nil, reasoning: String? = nil,
    tools: [ChatChunk.ToolCallDelta]? = nil, finish: String? = nil, matchedStop: String? = nil,
    usage: ChatUsage? = nil
) -> ChatChunk {
    let delta = ChatChunk.Delta(content: content, reasoningContent: reasoningContent, reasoning: reasoning, toolCalls: tools)
    return ChatChunk(choices: [ChatChunk.Choice(index: 0, delta: delta, finishReason: finish, matchedStop: matchedStop)], usage: usage)
}

/// The usage-only chunk (`choices: []`) that follows `finish_reason`.
func usageChunk(prompt: Int, completion: Int, cached: Int = 0) -> ChatChunk {
    ChatChunk(choices: [], usage: ChatUsage(promptTokens: prompt, completionTokens: completion, cachedTokens: cached))
}

func call(_ index: Int?, id: String? = nil, name: String? = nil, args: String? = nil) -> ChatChunk.ToolCallDelta {
    ChatChunk.ToolCallDelta(index: index, id: id, name: name, arguments: args)
}

/// Decodes a chunk from JSON text (as an upstream sends it).
func decodeChunk(_ json: String) throws -> ChatChunk {
    try JSONDecoder().decode(ChatChunk.self, from: Data(json.utf8))
}

// MARK: Running the translator

let testModel = "claude-sonnet-4-5"
let testMessageID = "msg_test"

func makeTranslator(toolNames: ToolNameMap = ToolNameMap(), input: Int = 100) -> StreamTranslator {
    StreamTranslator(requestedModel: testModel, messageID: testMessageID, toolNames: toolNames, estimatedInputTokens: input)
}

/// All events for `chunks`, then `finish()` (unless `finish` is false).
func translate(_ chunks: [ChatChunk], finish: Bool = true, toolNames: ToolNameMap = ToolNameMap()) -> [StreamEvent] {
    var translator = makeTranslator(toolNames: toolNames)
    var events = translator.start()
    for c in chunks { events += translator.receive(c) }
    if finish { events += translator.finish() }
    return events
}

/// The events after `message_start` (and any `ping`).
func body(_ events: [StreamEvent]) -> [StreamEvent] {
    Array(events.drop { if case .messageStart = $0 { return true }; if case .ping = $0 { return true }; return false })
}

func fold(_ events: [StreamEvent]) -> MessageAccumulator {
    var accumulator = MessageAccumulator()
    for e in events { accumulator.apply(e) }
    return accumulator
}

// MARK: Expected events

enum E {
    static func thinkingStart(_ i: Int) -> StreamEvent {
        .contentBlockStart(index: i, block: .thinking(ThinkingBlock(thinking: "", signature: "")))
    }
    static func textStart(_ i: Int) -> StreamEvent { .contentBlockStart(index: i, block: .text(TextBlock(text: ""))) }
    static func toolStart(_ i: Int, id: String, name: String) -> StreamEvent {
        .contentBlockStart(index: i, block: .toolUse(ToolUseBlock(id: id, name: name, input: .object([:]))))
    }
    static func text(_ i: Int, _ s: String) -> StreamEvent { .contentBlockDelta(index: i, delta: .text(s)) }
    static func thinking(_ i: Int, _ s: String) -> StreamEvent { .contentBlockDelta(index: i, delta: .thinking(s)) }
    static func signature(_ i: Int) -> StreamEvent {
        .contentBlockDelta(index: i, delta: .signature(StreamTranslator.thinkingSignature))
    }
    static func json(_ i: Int, _ s: String) -> StreamEvent { .contentBlockDelta(index: i, delta: .inputJSON(s)) }
    static func stop(_ i: Int) -> StreamEvent { .contentBlockStop(index: i) }
    static func end(_ reason: StopReason, sequence: String? = nil, usage: Usage) -> [StreamEvent] {
        [.messageDelta(stopReason: reason, stopSequence: sequence, usage: usage), .messageStop]
    }
}

// MARK: Invariants

/// Checks the block invariants of PROTOCOL 4.3 and 4.8 on a complete event sequence; returns the
/// violations (empty when all hold).
func invariantViolations(_ events: [StreamEvent]) -> [String] {
    var problems: [String] = []
    guard case .messageStart(let message)? = events.first else { return ["message_start is not first"] }
    if !message.content.isEmpty || message.stopReason != nil { problems.append("message_start carries content or a stop reason") }
    enum Kind { case text, thinking, toolUse }
    var nextIndex = 0
    var open: (index: Int, kind: Kind, deltas: Int)?
    var started = Set<Int>()
    var stopped = Set<Int>()
    var sawMessageDelta = false
    var ended = false
    var emptyTextBlocks = 0
    for (position, event) in events.enumerated().dropFirst() {
        if ended { problems.append("event after the end at \(position): \(event.name)"); continue }
        switch event {
        case .messageStart:
            problems.append("second message_start at \(position)")
        case .ping:
            break
        case .contentBlockStart(let index, let block):
            if open != nil { problems.append("block \(index) starts while \(open!.index) is open") }
            if index != nextIndex { problems.append("block index \(index), expected \(nextIndex)") }
            if sawMessageDelta { problems.append("block after message_delta") }
            nextIndex = index + 1
            started.insert(index)
            switch block {
            case .text(let t): open = (index, .text, 0); if !t.text.isEmpty { problems.append("text start not empty") }
            case .thinking: open = (index, .thinking, 0)
            case .toolUse(let u):
                open = (index, .toolUse, 0)
                if u.input != .object([:]) { problems.append("tool_use start input not {}") }
                if u.id.isEmpty || !u.id.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "-" }) {
                    problems.append("unsafe tool id \(u.id)")
                }
            default: problems.append("unexpected block kind \(block.type)")
            }
        case .contentBlockDelta(let index, let delta):
            guard let current = open, current.index == index else {
                problems.append("delta for block \(index) which is not open"); continue
            }
            let ok: Bool
            switch (current.kind, delta) {
            case (.text, .text), (.thinking, .thinking), (.thinking, .signature), (.toolUse, .inputJSON): ok = true
            default: ok = false
            }
            if !ok { problems.append("delta \(delta.type) in a \(current.kind) block \(index)") }
            open?.deltas += 1
        case .contentBlockStop(let index):
            guard let current = open, current.index == index else { problems.append("stop for block \(index) which is not open"); continue }
            if stopped.contains(index) { problems.append("second stop for \(index)") }
            if current.kind == .text && current.deltas == 0 { emptyTextBlocks += 1 }
            stopped.insert(index)
            open = nil
        case .messageDelta(let reason, _, _):
            if open != nil { problems.append("message_delta while block \(open!.index) is open") }
            if sawMessageDelta { problems.append("second message_delta") }
            if reason == nil { problems.append("message_delta without stop_reason") }
            sawMessageDelta = true
        case .messageStop:
            if !sawMessageDelta { problems.append("message_stop without message_delta") }
            ended = true
        case .error:
            ended = true
        }
    }
    if !ended { problems.append("stream does not end with message_stop or error") }
    if case .error? = events.last {} else {
        if started != stopped { problems.append("starts \(started.sorted()) vs stops \(stopped.sorted())") }
        if nextIndex == 0 { problems.append("no content block at all") }
        // The only empty text block allowed is the placeholder of an otherwise empty answer.
        if emptyTextBlocks > 0 && nextIndex > 1 { problems.append("an empty text block next to other blocks") }
    }
    return problems
}
