#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Hummingbird
import NIOCore
import OpenAIAPI

/// One chat request being answered.
struct Exchange: Sendable {
    var id: Int
    var channel: any Channel
    var chat: ChatRequest
    var stream: Bool
}

/// The client went away while the server waited or wrote.
struct ClientGone: Error {}

extension ScriptedUpstream {
    func chatCompletions(_ request: Request, _ context: ScriptedContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: configuration.maxBodySize)
        let data = Data(body.readableBytesView)
        let json = try? JSONDecoder().decode(JSONValue.self, from: data)
        let chat = try? JSONDecoder().decode(ChatRequest.self, from: data)
        var stream = false
        if let flag = chat?.stream { stream = flag } else if case .bool(let flag)? = json?["stream"] { stream = flag }
        var record = RecordedRequest(
            id: 0, method: request.method.rawValue, path: request.uri.description,
            headers: Self.headerDictionary(request.headers), body: json, chat: chat, stream: stream)

        func answer(_ response: Response, as behavior: String) -> Response {
            record.behavior = behavior
            record.completed = true
            _ = self.record(record)
            return response
        }
        if let failure = authFailure(request.headers) {
            return answer(failure, as: "error")
        }
        guard let chat else {
            let message = json == nil ? "The request body is not valid JSON." : "The request body is not a chat completion request."
            return answer(Self.errorResponse(HTTPErrorSpec(status: 400, message: message), model: nil), as: "error")
        }
        let (options, listed) = state.withLock { ($0.options, $0.catalogue.byID[chat.model]) }
        if options.strictModels, listed == nil {
            let spec = HTTPErrorSpec(status: 404, shape: .detailString, message: "Model \(chat.model) not found")
            return answer(Self.errorResponse(spec, model: chat.model), as: "model_not_found")
        }
        if let style = options.enforceWindow, let window = listed?.contextLength {
            let prompt = ChunkScript.promptTokens(chat)
            let completion = Self.maxTokens(chat) ?? 0
            if prompt + completion > window {
                let numbers = OverflowNumbers(window: window, prompt: prompt, completion: completion)
                return answer(Self.overflowResponse(style, numbers), as: "overflow")
            }
        }

        let (behavior, source) = selectBehavior(chat)
        record.behavior = behavior.typeName
        record.behaviorSource = source
        let id = self.record(record)
        logger.debug("chat request", metadata: ["id": "\(id)", "behavior": "\(behavior.typeName)", "source": "\(source)"])
        return try await respond(behavior, Exchange(id: id, channel: context.channel, chat: chat, stream: stream))
    }

    /// The queue first, then a directive in the current turn's user messages, then the default:
    /// a note quoting the tool result when the current turn carries one (so that a tool loop
    /// started by a directive ends), else an echo. The current turn is what follows the last
    /// assistant message.
    func selectBehavior(_ chat: ChatRequest) -> (Behavior, String) {
        if let next = state.withLock({ $0.queue.isEmpty ? nil : $0.queue.removeFirst() }) {
            return (next, "queue")
        }
        let turnStart = (chat.messages.lastIndex { $0.role == .assistant }).map { $0 + 1 } ?? 0
        let turn = chat.messages[turnStart...]
        let directive = turn.reversed().lazy.filter { $0.role == .user }
            .compactMap { ScriptDirective.find(in: ChunkScript.text(of: $0)) }.first
        guard let directive else {
            let hasToolResult = turn.contains { $0.role == .tool }
            return (hasToolResult ? .respond(.toolResultAck) : .echo, "default")
        }
        do {
            var behavior = try directive.behavior()
            if case .failThenSucceed(let times, let failure, let then) = behavior {
                behavior = state.withLock { state in
                    let failures = state.counters[directive.source, default: 0]
                    if failures < times {
                        state.counters[directive.source] = failures + 1
                        return .httpError(failure)
                    }
                    state.counters[directive.source] = nil
                    return then
                }
            }
            return (behavior, "directive")
        } catch {
            let spec = HTTPErrorSpec(status: 400, message: "scripted upstream: bad directive \(directive.source): \(error)")
            return (.httpError(spec), "directive")
        }
    }

    func respond(_ behavior: Behavior, _ exchange: Exchange) async throws -> Response {
        switch behavior {
        case .httpError(let spec):
            update(exchange.id) { $0.completed = true }
            return Self.errorResponse(spec, model: exchange.chat.model)
        case .stall(let seconds, let then):
            try await pause(seconds, exchange)
            return try await respond(then ?? .echo, exchange)
        case .failThenSucceed(_, _, let then):
            return try await respond(then, exchange)
        case .overflow(let spec):
            let window = state.withLock { $0.catalogue.byID[exchange.chat.model]?.contextLength }
            let numbers = spec.numbers(
                estimatedPrompt: ChunkScript.promptTokens(exchange.chat), maxTokens: Self.maxTokens(exchange.chat),
                catalogueWindow: window)
            guard spec.midStream else {
                update(exchange.id) { $0.completed = true }
                return Self.overflowResponse(spec.style, numbers)
            }
            let answer: Answer = spec.text.map { .text($0, chunks: nil) } ?? .echo
            let fault = Fault.errorFrame(
                after: spec.after, message: spec.style.message(numbers), type: spec.style.frameType, code: spec.style.status)
            return try await respond(.respond(answer, Shape(fault: fault)), exchange)
        case .respond(let answer, let shape):
            let includeUsage: Bool
            switch shape.usage {
            case .always: includeUsage = true
            case .never: includeUsage = false
            case .auto: includeUsage = exchange.stream ? (exchange.chat.streamOptions?.includeUsage ?? false) : true
            }
            let script = ChunkScript(
                answer: answer, shape: shape, request: exchange.chat, id: "chatcmpl-" + Self.randomHex(12),
                created: Int(Date().timeIntervalSince1970), includeUsage: includeUsage,
                newCallID: { "call_" + Self.randomHex(12) })
            if exchange.stream {
                return streamResponse(script.streamPayloads(done: shape.done), shape, exchange)
            }
            return try await completionResponse(script, shape, exchange)
        }
    }

    // MARK: Streamed answers

    func streamResponse(_ payloads: [String], _ shape: Shape, _ exchange: Exchange) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: ResponseBody { writer in
                try await self.writeStream(payloads, shape, exchange, &writer)
            })
    }

    func writeStream(_ payloads: [String], _ shape: Shape, _ exchange: Exchange, _ writer: inout any ResponseBodyWriter) async throws {
        let faultIndex = shape.fault.map { min($0.after, payloads.count) }
        for i in 0...payloads.count {
            if i == faultIndex, let fault = shape.fault {
                switch fault {
                case .stall(_, let seconds):
                    try await pause(seconds, exchange)
                case .reset:
                    try await resetConnection(exchange)
                case .malformed:
                    try await write(#"data: {"choices": [{"index": 0, "delta": {"content": "oops"\#n\#n"#, to: &writer, exchange)
                case .errorFrame(_, let message, let type, let code):
                    try await write("data: \(Self.errorFrameJSON(message: message, type: type, code: code))\n\n", to: &writer, exchange)
                    try await writer.finish(nil)
                    update(exchange.id) { $0.completed = true }
                    return
                }
            }
            guard i < payloads.count else { break }
            if i > 0, shape.delay > 0 { try await pause(shape.delay, exchange) }
            try await write("data: \(payloads[i])\n\n", to: &writer, exchange)
        }
        do {
            try await writer.finish(nil)
        } catch {
            update(exchange.id) { $0.clientClosed = true }
            throw error
        }
        update(exchange.id) { $0.completed = true }
    }

    func write(_ text: String, to writer: inout any ResponseBodyWriter, _ exchange: Exchange) async throws {
        do {
            try await writer.write(ByteBuffer(string: text))
        } catch {
            update(exchange.id) { $0.clientClosed = true }
            throw error
        }
    }

    // MARK: Non-streamed answers

    func completionResponse(_ script: ChunkScript, _ shape: Shape, _ exchange: Exchange) async throws -> Response {
        switch shape.fault {
        case .stall(_, let seconds)?:
            try await pause(seconds, exchange)
        case .reset?:
            try await resetConnection(exchange)
        case .malformed?:
            update(exchange.id) { $0.completed = true }
            return Self.json(#"{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"message":"#)
        case .errorFrame(_, let message, let type, let code)?:
            update(exchange.id) { $0.completed = true }
            return Self.json(Self.errorFrameJSON(message: message, type: type, code: code))
        case nil:
            break
        }
        update(exchange.id) { $0.completed = true }
        return Self.json(script.completionBody())
    }

    // MARK: Waiting and failing

    /// Waits `seconds` (until the client goes away when `nil`), checking every 20 ms whether
    /// the client is still there. Throws ``ClientGone`` (and records it) when it is not.
    func pause(_ seconds: Double?, _ exchange: Exchange) async throws {
        let clock = ContinuousClock()
        let deadline = seconds.map { clock.now + .nanoseconds(Int64(max(0, $0) * 1e9)) }
        while true {
            if !exchange.channel.isActive {
                update(exchange.id) { $0.clientClosed = true }
                throw ClientGone()
            }
            let now = clock.now
            var step = Duration.milliseconds(20)
            if let deadline {
                if now >= deadline { return }
                step = min(step, deadline - now)
            }
            try await Task.sleep(for: step)
        }
    }

    /// Closes the connection with a TCP reset, in the middle of whatever was being written.
    func resetConnection(_ exchange: Exchange) async throws -> Never {
        update(exchange.id) { $0.serverReset = true }
        if let provider = exchange.channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await exchange.channel.close()
        throw ScriptedUpstreamError(description: "connection reset on purpose")
    }

    // MARK: Error bodies

    /// `max_tokens` of a request.
    static func maxTokens(_ chat: ChatRequest) -> Int? { chat.maxTokens }

    static func overflowResponse(_ style: OverflowStyle, _ numbers: OverflowNumbers) -> Response {
        json(style.body(numbers), status: HTTPResponse.Status(code: style.status))
    }

    static func errorFrameJSON(message: String, type: String, code: Int?) -> String {
        #"{"error":{"message":\#(jsonString(message)),"type":\#(jsonString(type)),"code":\#(code.map(String.init) ?? "null")}}"#
    }

    static func errorResponse(_ spec: HTTPErrorSpec, model: String?) -> Response {
        let message = spec.message ?? defaultMessage(status: spec.status, model: model)
        let type = spec.errorType ?? defaultType(status: spec.status)
        var headers: HTTPFields = [:]
        if let retryAfter = spec.retryAfter { headers[.retryAfter] = retryAfter }
        let status = HTTPResponse.Status(code: spec.status)
        let body: String
        switch spec.shape {
        case .openAI:
            let code = spec.code.map(jsonString) ?? "null"
            body = #"{"error":{"message":\#(jsonString(message)),"type":\#(jsonString(type)),"param":null,"code":\#(code)}}"#
        case .object:
            body = #"{"object":"error","message":\#(jsonString(message)),"type":\#(jsonString(type)),"param":null,"code":\#(spec.status)}"#
        case .detail:
            body = #"{"detail":[{"type":"value_error","loc":["body","messages"],"msg":\#(jsonString(message)),"input":null}]}"#
        case .detailString:
            body = #"{"detail":\#(jsonString(message))}"#
        case .text:
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
        }
        return json(body, status: status, headers: headers)
    }

    static func defaultType(status: Int) -> String {
        switch status {
        case 400, 404, 413, 422: return "invalid_request_error"
        case 401: return "authentication_error"
        case 402: return "billing_error"
        case 403: return "permission_error"
        case 429: return "rate_limit_error"
        case 503: return "service_unavailable"
        case 504: return "timeout"
        default: return "internal_server_error"
        }
    }

    static func defaultMessage(status: Int, model: String?) -> String {
        switch status {
        case 400: return "Invalid request (scripted)."
        case 401: return "Invalid API key provided."
        case 403: return "You do not have access to this model."
        case 404: return "The model `\(model ?? "unknown")` does not exist or you do not have access to it."
        case 422: return "Unprocessable request (scripted)."
        case 429: return "Rate limit exceeded, please retry later."
        case 500: return "Internal server error (scripted)."
        case 502: return "Bad gateway (scripted)."
        case 503: return "The model is overloaded, please retry later."
        case 504: return "Gateway timeout (scripted)."
        default: return "Scripted upstream error \(status)."
        }
    }

    static func randomHex(_ bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        var out = ""
        for _ in 0..<bytes {
            let byte = UInt8.random(in: 0...255, using: &generator)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return out
    }
}
