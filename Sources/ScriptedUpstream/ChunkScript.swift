import OpenAIAPI

/// Builds the frames of an answer: the `data:` payloads of a stream, or the body of a
/// non-streamed completion. Pure: the same inputs give the same text (ids are passed in).
///
/// A stream is: a role chunk (`{"role":"assistant","content":""}`), the deltas, a chunk with
/// `finish_reason`, the usage chunk (`choices: []`) when asked, and `[DONE]` unless
/// ``Shape/done`` is false. A non-streamed body is the merge of the same deltas.
public struct ChunkScript: Sendable {
    /// One delta of the answer, before framing.
    public enum Piece: Sendable, Hashable {
        case content(String)
        case reasoning(String, field: ReasoningField)
        case tool(ToolFragment)
    }

    /// One fragment of a tool call as it appears in `delta.tool_calls[0]`.
    public struct ToolFragment: Sendable, Hashable {
        public var index: Int
        public var id: String?
        public var name: String?
        public var arguments: String?
    }

    public var id: String
    public var created: Int
    public var model: String
    public var pieces: [Piece]
    public var finishReason: String
    public var usage: ChatUsage?
    /// How ``usage`` is written, with the reasoning part of the completion tokens and the
    /// cached part of the prompt tokens.
    public var usageStyle: UsageStyle = .standard
    public var reasoningTokens = 0
    public var cachedTokens: Int?

    /// - Parameters:
    ///   - request: the decoded request (tool names, last user text, image count), if it decoded.
    ///   - includeUsage: whether a usage chunk / `usage` member is sent.
    ///   - newCallID: makes a tool call id (random in the server, fixed in tests).
    public init(
        answer: Answer, shape: Shape, request: ChatRequest?, id: String, created: Int, includeUsage: Bool,
        newCallID: () -> String
    ) {
        self.id = id
        self.created = created
        self.model = request?.model ?? "scripted-model"
        var pieces: [Piece] = []
        var finish = "stop"
        switch answer {
        case .echo:
            pieces = Self.split(Self.echoText(request), chunks: nil).map { .content($0) }
        case .text(let text, let chunks):
            pieces = Self.split(text, chunks: chunks).map { .content($0) }
        case .reasoning(let reasoning, let text, let field, let chunks):
            pieces = Self.split(reasoning, chunks: chunks).map { .reasoning($0, field: field) }
            pieces += Self.split(text, chunks: chunks).map { .content($0) }
        case .thinkTags(let reasoning, let text, let chunks):
            pieces = Self.split("<think>\(reasoning)</think>\(text)", chunks: chunks ?? 6).map { .content($0) }
        case .bareThinkClose(let reasoning, let text, let chunks):
            pieces = Self.split("\(reasoning)</think>\(text)", chunks: chunks ?? 6).map { .content($0) }
        case .toolCalls(let calls, let style, let text):
            if let text, !text.isEmpty { pieces = Self.split(text, chunks: nil).map { .content($0) } }
            let resolved = Self.resolve(calls, request: request)
            pieces += Self.toolPieces(resolved, style: style, newCallID: newCallID).map { .tool($0) }
            finish = "tool_calls"
        case .bash(let command):
            let name = Self.bashToolName(request)
            let arguments = JSONValue.object(["command": .string(command)]).compactText
            pieces = Self.toolPieces([ScriptedToolCall(name: name, arguments: arguments)], style: ToolCallStyle(), newCallID: newCallID)
                .map { .tool($0) }
            finish = "tool_calls"
        case .imageCount:
            let n = Self.imageCount(request)
            pieces = Self.split("I received \(n) image\(n == 1 ? "" : "s").", chunks: nil).map { .content($0) }
        case .huge(let bytes, let chunkSize):
            pieces = Self.hugeText(bytes: bytes, chunkSize: chunkSize).map { .content($0) }
        case .toolResultAck:
            pieces = Self.split(Self.toolResultText(request), chunks: nil).map { .content($0) }
        }
        self.pieces = pieces
        self.finishReason = shape.finishReason ?? finish
        if includeUsage {
            let completion = pieces.reduce(0) { n, piece in
                switch piece {
                case .content(let s), .reasoning(let s, _): return n + max(1, s.utf8.count / 4)
                case .tool(let f): return n + max(1, (f.arguments ?? "").utf8.count / 4)
                }
            }
            let prompt = shape.promptTokenScale.map { max(1, Int((Double(Self.promptTokens(request)) * $0).rounded())) }
                ?? Self.promptTokens(request)
            self.usage = ChatUsage(promptTokens: prompt, completionTokens: completion)
            self.usageStyle = shape.usageStyle
            self.cachedTokens = shape.cachedTokens.map { min(max(0, $0), prompt) }
            self.reasoningTokens = pieces.reduce(0) { n, piece in
                if case .reasoning(let s, _) = piece { return n + max(1, s.utf8.count / 4) }
                return n
            }
        }
    }

    // MARK: Stream

    /// The `data:` payloads, in order, `[DONE]` included when `done`.
    public func streamPayloads(done: Bool) -> [String] {
        var out: [String] = []
        out.reserveCapacity(pieces.count + 4)
        out.append(chunk(delta: #"{"role":"assistant","content":""}"#))
        for piece in pieces {
            out.append(chunk(delta: Self.deltaJSON(piece)))
        }
        out.append(chunk(delta: "{}", finishReason: finishReason))
        if let usage {
            out.append(#"{"id":\#(jsonString(id)),"object":"chat.completion.chunk","created":\#(created),"model":\#(jsonString(model)),"choices":[],"usage":\#(usageJSON(usage))}"#)
        }
        if done { out.append("[DONE]") }
        return out
    }

    func chunk(delta: String, finishReason: String? = nil) -> String {
        let finish = finishReason.map(jsonString) ?? "null"
        return #"{"id":\#(jsonString(id)),"object":"chat.completion.chunk","created":\#(created),"model":\#(jsonString(model)),"choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish)}]}"#
    }

    static func deltaJSON(_ piece: Piece) -> String {
        switch piece {
        case .content(let s):
            return #"{"content":\#(jsonString(s))}"#
        case .reasoning(let s, let field):
            return #"{"\#(field.rawValue)":\#(jsonString(s))}"#
        case .tool(let f):
            var members: [String] = [#""index":\#(f.index)"#]
            if let id = f.id { members.append(#""id":\#(jsonString(id))"#) }
            var function: [String] = []
            if let name = f.name {
                members.append(#""type":"function""#)
                function.append(#""name":\#(jsonString(name))"#)
            }
            if let arguments = f.arguments { function.append(#""arguments":\#(jsonString(arguments))"#) }
            members.append(#""function":{\#(function.joined(separator: ","))}"#)
            return #"{"tool_calls":[{\#(members.joined(separator: ","))}]}"#
        }
    }

    func usageJSON(_ usage: ChatUsage) -> String {
        let counts = #""prompt_tokens":\#(usage.promptTokens),"completion_tokens":\#(usage.completionTokens),"total_tokens":\#(usage.promptTokens + usage.completionTokens)"#
        switch usageStyle {
        case .standard:
            let cached = cachedTokens.map { #","prompt_tokens_details":{"cached_tokens":\#($0)}"# } ?? ""
            return "{" + counts + cached + "}"
        case .nebius:
            return "{" + counts + #","prompt_tokens_details":null,"completion_tokens_details":null,"reasoning_tokens":\#(reasoningTokens)}"#
        }
    }

    // MARK: Non-streamed body

    /// The body of a non-streamed `chat.completion`: the merge of the stream's deltas.
    public func completionBody() -> String {
        var content = ""
        var hasContent = false
        var reasoning: [ReasoningField: String] = [:]
        var calls: [(index: Int, id: String?, name: String, arguments: String)] = []
        for piece in pieces {
            switch piece {
            case .content(let s):
                content += s
                hasContent = true
            case .reasoning(let s, let field):
                reasoning[field, default: ""] += s
            case .tool(let f):
                if let i = calls.firstIndex(where: { $0.index == f.index }) {
                    calls[i].arguments += f.arguments ?? ""
                    if calls[i].id == nil { calls[i].id = f.id }
                } else {
                    calls.append((f.index, f.id, f.name ?? "", f.arguments ?? ""))
                }
            }
        }
        var message: [String] = [#""role":"assistant""#]
        message.append(#""content":\#(hasContent || calls.isEmpty ? jsonString(content) : "null")"#)
        for field in [ReasoningField.reasoningContent, .reasoning] {
            if let text = reasoning[field] { message.append(#""\#(field.rawValue)":\#(jsonString(text))"#) }
        }
        if !calls.isEmpty {
            let list = calls.map { call in
                let id = call.id.map { #""id":\#(jsonString($0)),"# } ?? ""
                return #"{\#(id)"type":"function","function":{"name":\#(jsonString(call.name)),"arguments":\#(jsonString(call.arguments))}}"#
            }
            message.append(#""tool_calls":[\#(list.joined(separator: ","))]"#)
        }
        let usage = self.usage.map { #","usage":\#(usageJSON($0))"# } ?? ""
        return #"{"id":\#(jsonString(id)),"object":"chat.completion","created":\#(created),"model":\#(jsonString(model)),"choices":[{"index":0,"message":{\#(message.joined(separator: ","))},"logprobs":null,"finish_reason":\#(jsonString(finishReason))}]\#(usage)}"#
    }

    // MARK: Helpers

    /// `text` in `chunks` nearly equal pieces, or one piece per word (the space goes with the
    /// word after it, as tokenizers do) when `chunks` is `nil`.
    public static func split(_ text: String, chunks: Int?) -> [String] {
        guard !text.isEmpty else { return [] }
        let characters = Array(text)
        if let chunks {
            let n = max(1, min(chunks, characters.count))
            var pieces: [String] = []
            var start = 0
            for i in 0..<n {
                let end = (characters.count * (i + 1)) / n
                pieces.append(String(characters[start..<end]))
                start = end
            }
            return pieces
        }
        var pieces: [String] = []
        var current = ""
        var previousWasSpace = false
        for ch in characters {
            if ch.isWhitespace && !previousWasSpace && !current.isEmpty && !current.allSatisfy(\.isWhitespace) {
                pieces.append(current)
                current = ""
            }
            current.append(ch)
            previousWasSpace = ch.isWhitespace
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// The fragments of the calls, framed as `style` says.
    static func toolPieces(_ calls: [ScriptedToolCall], style: ToolCallStyle, newCallID: () -> String) -> [ToolFragment] {
        var perCall: [[ToolFragment]] = []
        for (index, call) in calls.enumerated() {
            let id = style.omitIDs ? nil : (call.id ?? newCallID())
            let args = Array(call.arguments)
            var argPieces: [String] = stride(from: 0, to: args.count, by: style.pieceSize).map {
                String(args[$0..<min($0 + style.pieceSize, args.count)])
            }
            if argPieces.isEmpty { argPieces = [""] }
            var fragments: [ToolFragment] = []
            if style.repeatHeaders {
                for piece in argPieces {
                    fragments.append(ToolFragment(index: index, id: id, name: call.name, arguments: piece))
                }
            } else {
                fragments.append(ToolFragment(index: index, id: id, name: call.name, arguments: ""))
                for piece in argPieces where !piece.isEmpty {
                    fragments.append(ToolFragment(index: index, id: nil, name: nil, arguments: piece))
                }
            }
            perCall.append(fragments)
        }
        guard style.interleave else { return perCall.flatMap { $0 } }
        var out: [ToolFragment] = []
        var position = 0
        while perCall.contains(where: { position < $0.count }) {
            for fragments in perCall where position < fragments.count { out.append(fragments[position]) }
            position += 1
        }
        return out
    }

    /// Empty names get the request's tool names in turn; no calls at all give one call to the
    /// first tool.
    static func resolve(_ calls: [ScriptedToolCall], request: ChatRequest?) -> [ScriptedToolCall] {
        let names = request?.tools?.map(\.function.name) ?? []
        var calls = calls
        if calls.isEmpty { calls = [ScriptedToolCall(name: "", arguments: "{}")] }
        for i in calls.indices where calls[i].name.isEmpty {
            calls[i].name = names.isEmpty ? "get_weather" : names[i % names.count]
        }
        return calls
    }

    static func bashToolName(_ request: ChatRequest?) -> String {
        let names = request?.tools?.map(\.function.name) ?? []
        return names.first { $0.lowercased() == "bash" } ?? names.first { $0.lowercased().contains("bash") } ?? "Bash"
    }

    /// The text of the last `user` message (text parts joined by newlines).
    public static func lastUserText(_ request: ChatRequest?) -> String {
        guard let message = request?.messages.last(where: { $0.role == .user }) else { return "" }
        return text(of: message)
    }

    static func text(of message: ChatMessage) -> String {
        switch message.content {
        case .text(let s): return s
        case .parts(let parts):
            return parts.compactMap { if case .text(let s) = $0 { return s } else { return nil } }.joined(separator: "\n")
        case nil: return ""
        }
    }

    static func echoText(_ request: ChatRequest?) -> String {
        let words = lastUserText(request).split(whereSeparator: \.isWhitespace).prefix(8)
        if words.isEmpty { return "Hello from the scripted upstream." }
        return "You said: " + words.joined(separator: " ")
    }

    static func toolResultText(_ request: ChatRequest?) -> String {
        guard let message = request?.messages.last(where: { $0.role == .tool }) else { return "No tool result." }
        let result = text(of: message)
        return "The tool returned: " + String(result.prefix(200))
    }

    static func imageCount(_ request: ChatRequest?) -> Int {
        (request?.messages ?? []).reduce(0) { n, message in
            guard case .parts(let parts) = message.content else { return n }
            return n + parts.filter { if case .imageURL = $0 { return true } else { return false } }.count
        }
    }

    static func promptTokens(_ request: ChatRequest?) -> Int {
        let chars = (request?.messages ?? []).reduce(0) { $0 + text(of: $1).utf8.count }
        return max(1, chars / 4)
    }

    static func hugeText(bytes: Int, chunkSize: Int) -> [String] {
        let pattern = Array("lorem ipsum dolor sit amet, consectetur adipiscing elit. ".utf8)
        var pieces: [String] = []
        var produced = 0
        while produced < bytes {
            let n = min(chunkSize, bytes - produced)
            var piece = [UInt8]()
            piece.reserveCapacity(n)
            for i in 0..<n { piece.append(pattern[(produced + i) % pattern.count]) }
            pieces.append(String(decoding: piece, as: UTF8.self))
            produced += n
        }
        return pieces
    }
}

/// `s` as a JSON string literal.
func jsonString(_ s: String) -> String {
    var out = "\""
    out.reserveCapacity(s.utf8.count + 2)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    out += "\""
    return out
}
