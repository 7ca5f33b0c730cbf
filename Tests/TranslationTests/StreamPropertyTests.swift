import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

/// SplitMix64: small, fast, and the same sequence on every platform for a given seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
}

/// Random streams: the generator, and the properties every translated stream must have.
@Suite("StreamTranslator properties (PROTOCOL 4.3, 4.10)")
struct StreamPropertyTests {
    static let longToolName = "mcp__a_rather_long_server_name__with_a_tool_name_that_is_far_too_long_for_upstreams"
    static let words = ["a", "word", " ", "\n", "é", "日本", "😀", "\"q\"", "\\", "<b>", "x<", "1.5", "{", "}", "tab\t"]
    static let keys = ["path", "command", "content", "n", "flag", "items", "ü"]

    // MARK: Ordered answers: reasoning, then content, then tool calls (the shape a non-stream answer has)

    struct ToolCallPlan {
        var id: String?
        var upstreamName: String
        var clientName: String
        var input: JSONValue
        var arguments: String
    }

    enum ReasoningMode: CaseIterable { case reasoningContent, reasoning, thinkTags }
    enum ToolMode: CaseIterable { case openAI, repeatedIDAndName, noIndex }

    struct Scenario {
        var reasoning: String
        var content: String
        var reasoningMode: ReasoningMode
        var toolMode: ToolMode
        var calls: [ToolCallPlan]
        var finishReason: String?
        var matchedStop: String?
        var usage: ChatUsage?
        var names: ToolNameMap
        var chunks: [ChatChunk] = []

        /// The same answer, non-streaming.
        var wholeAnswer: ChatResponse {
            var delta = ChatChunk.Delta()
            switch reasoningMode {
            case .reasoningContent: delta.reasoningContent = reasoning.isEmpty ? nil : reasoning
            case .reasoning: delta.reasoning = reasoning.isEmpty ? nil : reasoning
            case .thinkTags: break
            }
            let content = reasoningMode == .thinkTags ? "<think>\(reasoning)</think>\(content)" : content
            delta.content = content.isEmpty ? nil : content
            if !calls.isEmpty {
                delta.toolCalls = calls.map { ChatChunk.ToolCallDelta(id: $0.id, name: $0.upstreamName, arguments: $0.arguments) }
            }
            return ChatResponse(choices: [ChatChunk.Choice(index: 0, delta: delta, finishReason: finishReason, matchedStop: matchedStop)], usage: usage)
        }
    }

    static func randomText(_ rng: inout SeededGenerator, maxWords: Int) -> String {
        (0..<rng.int(0...maxWords)).map { _ in rng.pick(words) }.joined()
    }

    static func randomJSON(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
        switch rng.int(0...(depth > 0 ? 6 : 4)) {
        case 0: return .string(randomText(&rng, maxWords: 4))
        case 1: return .int(rng.int(-1000...1000))
        case 2: return .bool(rng.chance(0.5))
        case 3: return .null
        case 4: return .double(Double(rng.int(-100...100)) / 4 + 0.125)
        case 5: return .array((0..<rng.int(0...3)).map { _ in randomJSON(&rng, depth: depth - 1) })
        default: return randomObject(&rng, depth: depth - 1)
        }
    }

    static func randomObject(_ rng: inout SeededGenerator, depth: Int) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for _ in 0..<rng.int(0...3) { members[rng.pick(keys)] = randomJSON(&rng, depth: depth) }
        return .object(members)
    }

    /// Splits `text` into 1...n pieces at random character boundaries (some pieces may be empty).
    static func fragments(_ text: String, _ rng: inout SeededGenerator) -> [String] {
        let characters = Array(text)
        guard !characters.isEmpty else { return [] }
        var pieces: [String] = []
        var start = 0
        while start < characters.count {
            let length = rng.chance(0.1) ? 0 : rng.int(1...max(1, min(6, characters.count - start)))
            pieces.append(String(characters[start..<min(characters.count, start + length)]))
            start += length
        }
        return pieces
    }

    static func scenario(seed: UInt64) -> Scenario {
        var rng = SeededGenerator(seed: seed)
        var names = ToolNameMap()
        let reasoningMode = rng.pick(ReasoningMode.allCases)
        let toolMode = rng.pick(ToolMode.allCases)
        let reasoning = rng.chance(0.6) ? randomText(&rng, maxWords: 12) : ""
        var content = rng.chance(0.7) ? randomText(&rng, maxWords: 12) : ""
        if reasoningMode != .thinkTags && content.hasPrefix("<") { content = "." + content }
        var calls: [ToolCallPlan] = []
        for n in 0..<(rng.chance(0.5) ? rng.int(1...3) : 0) {
            let clientName = rng.pick(["Bash", "Read", "get_weather", longToolName])
            let input = randomObject(&rng, depth: 2)
            var arguments = input.compactText
            if rng.chance(0.3), let data = try? { let e = JSONEncoder(); e.outputFormatting = [.prettyPrinted]; return try e.encode(input) }() {
                arguments = String(decoding: data, as: UTF8.self)
            }
            var id: String? = rng.pick(["call_\(n)_\(seed)", "functions.\(clientName):\(n)", "chatcmpl-tool-\(seed)\(n)"])
            if toolMode != .noIndex && rng.chance(0.2) { id = nil }
            calls.append(ToolCallPlan(id: id, upstreamName: names.upstreamName(for: clientName), clientName: clientName, input: input, arguments: arguments))
        }
        let finishReason = rng.pick([nil, "stop", "length", "tool_calls", "content_filter"] as [String?])
        let matchedStop = finishReason == "stop" && rng.chance(0.3) ? "###" : nil
        let usage = rng.chance(0.6) ? ChatUsage(promptTokens: rng.int(50...5000), completionTokens: rng.int(1...500), cachedTokens: rng.int(0...40)) : nil
        var s = Scenario(reasoning: reasoning, content: content, reasoningMode: reasoningMode, toolMode: toolMode, calls: calls,
                         finishReason: finishReason, matchedStop: matchedStop, usage: usage, names: names)
        s.chunks = streamChunks(s, &rng)
        return s
    }

    /// The chunks of the scenario, with random fragmenting, interleaving, merging and noise.
    static func streamChunks(_ s: Scenario, _ rng: inout SeededGenerator) -> [ChatChunk] {
        var chunks: [ChatChunk] = []
        if rng.chance(0.5) { chunks.append(chunk(content: "")) }
        switch s.reasoningMode {
        case .reasoningContent: chunks += fragments(s.reasoning, &rng).map { chunk(reasoningContent: $0) }
        case .reasoning: chunks += fragments(s.reasoning, &rng).map { chunk(reasoning: $0) }
        case .thinkTags: chunks += fragments("<think>\(s.reasoning)</think>", &rng).map { chunk(content: $0) }
        }
        chunks += fragments(s.content, &rng).map { chunk(content: $0) }

        // Tool-call fragments, per call, then interleaved.
        var perCall: [[ChatChunk.ToolCallDelta]] = []
        for (n, plan) in s.calls.enumerated() {
            var pieces = fragments(plan.arguments, &rng)
            if rng.chance(0.3) { pieces.insert("", at: 0) }
            if pieces.isEmpty { pieces = [""] }
            var deltas: [ChatChunk.ToolCallDelta] = []
            for (k, piece) in pieces.enumerated() {
                switch s.toolMode {
                case .openAI:
                    deltas.append(k == 0 ? call(n, id: plan.id, name: plan.upstreamName, args: piece) : call(n, args: piece))
                case .repeatedIDAndName:
                    deltas.append(call(n, id: plan.id, name: plan.upstreamName, args: piece))
                case .noIndex:
                    deltas.append(call(nil, id: plan.id, name: plan.upstreamName, args: piece))
                }
            }
            perCall.append(deltas)
        }
        // Headers (first fragments) in call order; the rest interleaved at random.
        var cursors = [Int](repeating: 0, count: perCall.count)
        var toolChunks: [ChatChunk] = []
        for n in perCall.indices where !perCall[n].isEmpty {
            if s.toolMode == .noIndex {
                // Without an index, only the id tells calls apart: keep each call's fragments together.
                toolChunks += perCall[n].map { chunk(tools: [$0]) }
                cursors[n] = perCall[n].count
            } else {
                toolChunks.append(chunk(tools: [perCall[n][0]]))
                cursors[n] = 1
            }
        }
        while let n = perCall.indices.filter({ cursors[$0] < perCall[$0].count }).randomElement(using: &rng) {
            toolChunks.append(chunk(tools: [perCall[n][cursors[n]]]))
            cursors[n] += 1
        }
        chunks += toolChunks

        // Merge neighbours where one chunk can carry both (reasoning+content, content+tool, tool+tool).
        var merged: [ChatChunk] = []
        for c in chunks {
            if rng.chance(0.25), let last = merged.last, let both = mergeable(last, c) {
                merged[merged.count - 1] = both
            } else {
                merged.append(c)
            }
        }
        chunks = merged

        // Finish, possibly in the last chunk; then usage; noise anywhere.
        if s.finishReason != nil || s.matchedStop != nil {
            if rng.chance(0.3), !chunks.isEmpty, chunks[chunks.count - 1].choices.count == 1 {
                chunks[chunks.count - 1].choices[0].finishReason = s.finishReason
                chunks[chunks.count - 1].choices[0].matchedStop = s.matchedStop
            } else {
                chunks.append(chunk(finish: s.finishReason, matchedStop: s.matchedStop))
            }
        }
        if let usage = s.usage { chunks.append(ChatChunk(choices: [], usage: usage)) }
        for _ in 0..<rng.int(0...2) {
            let noise = rng.pick([ChatChunk(choices: []), chunk(tools: []), chunk(content: ""), ChatChunk()])
            chunks.insert(noise, at: rng.int(0...chunks.count))
        }
        return chunks
    }

    static func mergeable(_ a: ChatChunk, _ b: ChatChunk) -> ChatChunk? {
        guard a.choices.count == 1, b.choices.count == 1, a.usage == nil, b.usage == nil,
              a.choices[0].finishReason == nil, b.choices[0].finishReason == nil else { return nil }
        let x = a.choices[0].delta, y = b.choices[0].delta
        var out = a
        let xHasTools = !(x.toolCalls ?? []).isEmpty, yHasTools = !(y.toolCalls ?? []).isEmpty
        let xHasContent = !(x.content ?? "").isEmpty, yHasContent = !(y.content ?? "").isEmpty
        let xHasReasoning = !(x.reasoningText ?? "").isEmpty, yHasReasoning = !(y.reasoningText ?? "").isEmpty
        if !xHasContent && !xHasTools && xHasReasoning && yHasContent && !yHasTools && !yHasReasoning {
            out.choices[0].delta.content = y.content
        } else if !xHasTools && xHasContent && yHasTools && !yHasContent && !yHasReasoning {
            out.choices[0].delta.toolCalls = y.toolCalls
        } else if xHasTools && yHasTools && !yHasContent && !yHasReasoning {
            out.choices[0].delta.toolCalls = (x.toolCalls ?? []) + (y.toolCalls ?? [])
        } else {
            return nil
        }
        return out
    }

    /// The message with tool_use blocks in a canonical order (parallel calls may open in any order)
    /// and synthesized ids blanked (they depend on block positions).
    static func normalized(_ m: MessagesResponse) -> MessagesResponse {
        var m = m
        let others = m.content.filter { if case .toolUse = $0 { return false } else { return true } }
        let uses = m.content.compactMap { block -> ToolUseBlock? in
            guard case .toolUse(var u) = block else { return nil }
            if u.id.hasPrefix("toolu_") { u.id = "toolu_" }
            return u
        }.sorted { ($0.name, $0.input.compactText, $0.id) < ($1.name, $1.input.compactText, $1.id) }
        m.content = others + uses.map(ContentBlock.toolUse)
        return m
    }

    @Test("4.10 folding the stream gives the non-stream translation of the same answer; 4.3 invariants hold", arguments: 0..<6)
    func foldEqualsWhole(batch: Int) throws {
        for seed in UInt64(batch * 1000)..<UInt64(batch * 1000 + 1000) {
            let s = Self.scenario(seed: seed)
            let events = translate(s.chunks, toolNames: s.names)
            let problems = invariantViolations(events)
            #expect(problems == [], "seed \(seed): \(problems)")
            let accumulator = fold(events)
            #expect(accumulator.isComplete && accumulator.error == nil, "seed \(seed)")
            guard let streamed = accumulator.message else { Issue.record("seed \(seed): no message"); continue }
            let whole = try ResponseTranslator(requestedModel: testModel, messageID: testMessageID, toolNames: s.names, estimatedInputTokens: 100)
                .translate(s.wholeAnswer).get()
            #expect(Self.normalized(streamed) == Self.normalized(whole), "seed \(seed)")

            // And both say what the generator put in.
            let thinking = streamed.content.compactMap { if case .thinking(let t) = $0 { return t.thinking } else { return nil } }.joined()
            let text = streamed.content.compactMap { if case .text(let t) = $0 { return t.text } else { return nil } }.joined()
            #expect(thinking == s.reasoning, "seed \(seed)")
            let expectedText = s.reasoningMode == .thinkTags ? String(s.content.drop { $0.isWhitespace }) : s.content
            #expect(text == expectedText, "seed \(seed)")
            let uses = streamed.content.compactMap { if case .toolUse(let u) = $0 { return u } else { return nil } }
            #expect(uses.map { "\($0.name) \($0.input.compactText)" }.sorted() == s.calls.map { "\($0.clientName) \($0.input.compactText)" }.sorted(), "seed \(seed)")
            #expect(uses.filter { $0.id.hasPrefix("toolu_") }.count >= s.calls.filter { $0.id == nil }.count, "seed \(seed)")
            // 3: thinking, then text, then tool_use.
            let rank = streamed.content.map { block -> Int in
                switch block { case .thinking: return 0; case .text: return 1; default: return 2 }
            }
            #expect(rank == rank.sorted(), "seed \(seed): block order \(streamed.content.map(\.type))")
            #expect(Set(uses.map(\.id)).count == uses.count, "seed \(seed): duplicate tool ids")
            if !uses.isEmpty { #expect(streamed.stopReason == .toolUse) }
        }
    }

    // MARK: Anything goes: random mixes in any order must still keep the invariants

    static func chaoticChunks(seed: UInt64) -> (chunks: [ChatChunk], ending: Int) {
        var rng = SeededGenerator(seed: seed)
        let contentPieces = ["<think>", "</think>", "<th", "ink>", "</th", "text", " ", "\n", "é", "<", "plain words"]
        let argumentPieces = ["{", "}", "[", "]", "\"", "\\", "\"a\"", ":", "1", ",", " ", "x", "{\"k\":\"v\"}", ""]
        var chunks: [ChatChunk] = []
        for _ in 0..<rng.int(0...30) {
            switch rng.int(0...9) {
            case 0: chunks.append(chunk(reasoningContent: rng.pick(words)))
            case 1: chunks.append(chunk(reasoning: rng.pick(words)))
            case 2, 3: chunks.append(chunk(content: rng.pick(contentPieces)))
            case 4, 5, 6:
                var deltas: [ChatChunk.ToolCallDelta] = []
                for _ in 0..<rng.int(1...2) {
                    let index: Int? = rng.chance(0.8) ? rng.int(0...2) : nil
                    let id: String? = rng.chance(0.5) ? rng.pick(["call_1", "call_2", "functions.f:0", ""]) : nil
                    let name: String? = rng.chance(0.5) ? rng.pick(["A", "B", longToolName]) : nil
                    deltas.append(call(index, id: id, name: name, args: rng.pick(argumentPieces)))
                }
                chunks.append(chunk(tools: deltas))
            case 7: chunks.append(rng.pick([ChatChunk(choices: []), chunk(tools: []), ChatChunk()]))
            case 8: chunks.append(usageChunk(prompt: rng.int(0...100), completion: rng.int(0...100), cached: rng.int(0...100)))
            default:
                chunks.append(chunk(content: rng.chance(0.5) ? "z" : nil, finish: rng.pick(["stop", "length", "tool_calls", "content_filter", "weird"]),
                                    matchedStop: rng.chance(0.2) ? "END" : nil))
            }
            if rng.chance(0.02) { chunks.append(ChatChunk(error: ["message": "mid-stream failure", "code": 503])) }
        }
        return (chunks, rng.int(0...9))
    }

    @Test("4.3 random mixes of reasoning, text, think tags, tool fragments, usage and errors keep the block invariants", arguments: 0..<4)
    func chaos(batch: Int) {
        for seed in UInt64(100_000 + batch * 1000)..<UInt64(100_000 + batch * 1000 + 1000) {
            let (chunks, ending) = Self.chaoticChunks(seed: seed)
            var t = makeTranslator()
            var events = ending == 0 ? [] : t.start()
            for c in chunks { events += t.receive(c) }
            switch ending {
            case 1: events += t.fail(ErrorMapping.streamInterrupted(reason: "reset"))
            default: events += t.finish()
            }
            let problems = invariantViolations(events)
            #expect(problems == [], "seed \(seed): \(problems)")
            let accumulator = fold(events)
            #expect(accumulator.message != nil)
            if accumulator.error == nil {
                #expect(accumulator.isComplete)
                #expect(accumulator.message?.content.isEmpty == false)
            }
        }
    }
}
