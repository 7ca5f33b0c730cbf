import ClaudeAPI
import Foundation
import OpenAIAPI
import Testing
@testable import Translation

/// Context overflows in every upstream's words -> Anthropic's wording (PROTOCOL 8.1).
@Suite("ContextOverflow (PROTOCOL 8.1)")
struct ContextOverflowTests {
    /// Whether `message` has the one shape Claude Code's compact-and-retry understands:
    /// `^prompt is too long: \d+ tokens > \d+ maximum$`.
    static func hasShape(_ message: String) -> Bool {
        message.wholeMatch(of: #/prompt is too long: \d+ tokens > \d+ maximum/#) != nil
    }

    static func body(_ json: String) -> [UInt8] { Array(json.utf8) }

    /// The message wrapped the three ways upstreams send it, and as plain text.
    static func wrapped(_ message: String) -> [[UInt8]] {
        let quoted = JSONValue.string(message).compactText
        return [
            body(#"{"object":"error","message":\#(quoted),"type":"BadRequestError","param":null,"code":400}"#),
            body(#"{"error":{"message":\#(quoted),"type":"invalid_request_error","code":null}}"#),
            body(#"{"detail":\#(quoted)}"#),
            body(message),
        ]
    }

    func mapped(_ body: [UInt8], status: Int = 400, estimate: Int? = nil, window: Int? = nil) -> APIError {
        ErrorMapping.map(status: status, body: body, model: "zai-org/GLM-5.2", estimatedInputTokens: estimate, contextWindow: window)
    }

    @Test("8.1 every upstream wording, in every body shape, gives prompt is too long: N tokens > M maximum", arguments: [
        // vLLM (and OpenAI): the messages part is N.
        ("This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (139000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
         139000, 131072),
        // vLLM, newer: the input is N.
        ("This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens. Please reduce the length of the input messages.",
         40000, 32768),
        // vLLM, newer: the prompt alone fits, prompt + max_tokens does not: N is the total.
        ("This model's maximum context length is 32768 tokens. However, you requested 1000 output tokens and your prompt contains at least 32000 input tokens, for a total of at least 33000 tokens. Please reduce the length of the input prompt or the number of requested output tokens.",
         33000, 32768),
        // vLLM: max_tokens alone too large.
        ("'max_tokens' or 'max_completion_tokens' is too large: 140000. This model's maximum context length is 131072 tokens and your request has 1000 input tokens (140000 > 131072 - 1000).",
         141000, 131072),
        // OpenAI, older.
        ("This model's maximum context length is 8192 tokens. However, your messages resulted in 8202 tokens. Please reduce the length of the messages.",
         8202, 8192),
        ("This model's maximum context length is 2049 tokens, however you requested 2054 tokens (2049 in your prompt, 5 for the completion). Please reduce your prompt or completion length.",
         2054, 2049),
        // SGLang.
        ("Requested token count exceeds the model's maximum context length of 131072 tokens. You requested a total of 140000 tokens: 139000 tokens from the input messages and 1000 tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.",
         139000, 131072),
        ("The input (140000 tokens) is longer than the model's context length (131072 tokens).", 140000, 131072),
        ("Input length (160062 tokens) exceeds the maximum allowed length (59862 tokens).", 160062, 59862),
        // llama.cpp.
        ("request (4476 tokens) exceeds the available context size (4096 tokens)", 4476, 4096),
        // TGI-style, behind some providers (Nebius wrapper), with and without backticks.
        ("Input validation error: inputs tokens + max_new_tokens must be <= 131072. Given: 139000 inputs tokens and 1000 max_new_tokens",
         139000, 131072),
        ("Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`",
         4200, 4096),
        ("Input validation error: `inputs` must have less than 4096 tokens. Given: 5000", 5000, 4096),
        // Anthropic's own words (an upstream that is itself a Claude gateway).
        ("prompt is too long: 210000 tokens > 200000 maximum", 210000, 200000),
        ("input length and `max_tokens` exceed context limit: 199759 + 8192 > 200000, decrease input length or `max_tokens` and try again",
         207951, 200000),
        // Numbers with thousands separators.
        ("This model's maximum context length is 131,072 tokens. However, your request has 140,001 input tokens.", 140001, 131072),
    ] as [(String, Int, Int)])
    func wordings(message: String, tokens: Int, maximum: Int) throws {
        for body in Self.wrapped(message) {
            let e = mapped(body, estimate: 1, window: 7)
            #expect(e.type == .invalidRequest)
            #expect(e.message == "prompt is too long: \(tokens) tokens > \(maximum) maximum", "\(String(decoding: body, as: UTF8.self))")
            #expect(Self.hasShape(e.message))
        }
    }

    @Test("8.1 the numbers the upstream gave are kept apart", arguments: [
        ("This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (139000 in the messages, 1000 in the completion).",
         ContextOverflow(promptTokens: 139000, maximum: 131072, requestedTokens: 140000, completionTokens: 1000)),
        ("This model's maximum context length is 32768 tokens. However, you requested 1000 output tokens and your prompt contains at least 32000 input tokens, for a total of at least 33000 tokens.",
         ContextOverflow(promptTokens: 32000, maximum: 32768, requestedTokens: 33000, completionTokens: 1000)),
        ("Requested token count exceeds the model's maximum context length of 131072 tokens. You requested a total of 140000 tokens: 139000 tokens from the input messages and 1000 tokens for the completion.",
         ContextOverflow(promptTokens: 139000, maximum: 131072, requestedTokens: 140000, completionTokens: 1000)),
        ("Input validation error: inputs tokens + max_new_tokens must be <= 131072. Given: 139000 inputs tokens and 1000 max_new_tokens",
         ContextOverflow(promptTokens: 139000, maximum: 131072, completionTokens: 1000)),
    ] as [(String, ContextOverflow)])
    func numbers(message: String, expected: ContextOverflow) {
        #expect(ErrorMapping.contextOverflow(status: 400, body: Self.body(#"{"error":{"message":\#(JSONValue.string(message).compactText)}}"#)) == expected)
    }

    @Test("8.1 llama.cpp: exceed_context_size_error with n_prompt_tokens and n_ctx")
    func llamaCpp() {
        let current = Self.body(#"{"error":{"code":400,"message":"request (5000 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}"#)
        #expect(mapped(current).message == "prompt is too long: 5000 tokens > 4096 maximum")
        // Older servers: no numbers in the message, only in the fields.
        let older = Self.body(#"{"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":8000,"n_ctx":8192}}"#)
        #expect(ErrorMapping.contextOverflow(status: 400, body: older) == ContextOverflow(promptTokens: 8000, maximum: 8192))
        // The prompt alone fits (the answer budget overflowed): N is the least count that overflows.
        #expect(mapped(older).message == "prompt is too long: 8193 tokens > 8192 maximum")
    }

    @Test("8.1 the real llama-cpp-python overflow (context_length_exceeded, vLLM's words)")
    func llamaCppPythonFixture() throws {
        let (status, body) = try Fixtures.upstreamError("llamacpp-context-overflow.txt")
        let e = mapped(body, status: status)
        #expect(e.type == .invalidRequest)
        #expect(e.message == "prompt is too long: 6031 tokens > 4096 maximum")
    }

    @Test("8.1 a bare context_length_exceeded code: N from the estimate, M from the window")
    func bareCode() {
        let bodies = [
            Self.body(#"{"error":{"message":"Bad request","type":"invalid_request_error","code":"context_length_exceeded"}}"#),
            Self.body(#"{"object":"error","message":"Request failed","type":"context_length_exceeded","code":400}"#),
            Self.body(#"{"error":{"message":"context_length_exceeded"}}"#),
        ]
        for body in bodies {
            #expect(ErrorMapping.contextOverflow(status: 400, body: body) == ContextOverflow())
            #expect(mapped(body, estimate: 140_000, window: 131_072).message == "prompt is too long: 140000 tokens > 131072 maximum")
        }
    }

    @Test("8.1 OpenAI code context_length_exceeded with the window only: N is the estimate, at least M + 1")
    func windowOnly() {
        let body = Self.body(#"{"error":{"message":"This model's maximum context length is 8192 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}"#)
        #expect(mapped(body, estimate: 9000).message == "prompt is too long: 9000 tokens > 8192 maximum")
        // The estimate is low (the upstream counts differently): the upstream still refused.
        #expect(mapped(body, estimate: 7000).message == "prompt is too long: 8193 tokens > 8192 maximum")
        #expect(mapped(body).message == "prompt is too long: 8193 tokens > 8192 maximum")
        // The upstream's own window wins over the catalogue's.
        #expect(mapped(body, estimate: 9000, window: 131_072).message == "prompt is too long: 9000 tokens > 8192 maximum")
    }

    @Test("8.1 the upstream's counts win over the estimate and the catalogue window")
    func upstreamNumbersWin() {
        let body = Self.wrapped("This model's maximum context length is 131072 tokens. However, your request has 140000 input tokens.")[0]
        #expect(mapped(body, estimate: 90_000, window: 262_144).message == "prompt is too long: 140000 tokens > 131072 maximum")
    }

    @Test("8.1 no window anywhere: M is N (the gap reads zero, no window is made up); nothing at all: 0 and 0")
    func noWindow() {
        let body = Self.body(#"{"error":{"message":"Context length exceeded","code":"context_length_exceeded"}}"#)
        #expect(mapped(body, estimate: 5000).message == "prompt is too long: 5000 tokens > 5000 maximum")
        #expect(mapped(body).message == "prompt is too long: 0 tokens > 0 maximum")
        #expect(mapped(body, window: 4096).message == "prompt is too long: 4097 tokens > 4096 maximum")
        let countOnly = Self.body(#"{"error":{"message":"Input length (160062 tokens) is too long","code":"context_length_exceeded"}}"#)
        #expect(mapped(countOnly).message == "prompt is too long: 160062 tokens > 160062 maximum")
    }

    @Test("8.1 every combination of known and unknown numbers keeps the exact shape, N > M when M is known", arguments: 0..<64)
    func alwaysTheShape(seed: Int) {
        func pick(_ bit: Int, _ value: Int) -> Int? { seed & (1 << bit) != 0 ? value : nil }
        let overflow = ContextOverflow(promptTokens: pick(0, 5000), maximum: pick(1, 4096), requestedTokens: pick(2, 6000), completionTokens: pick(3, 1000))
        let e = overflow.clientError(estimatedInputTokens: pick(4, 3000), contextWindow: pick(5, 8192))
        #expect(e.type == .invalidRequest)
        #expect(Self.hasShape(e.message))
        let numbers = e.message.split(separator: " ").compactMap { Int($0) }
        #expect(numbers.count == 2)
        if overflow.maximum != nil || seed & (1 << 5) != 0 {
            #expect(numbers[0] > numbers[1])
        }
    }

    @Test("8.1 promptTooLong is Anthropic's exact wording")
    func exactWording() {
        #expect(ErrorMapping.promptTooLong(tokens: 140000, maximum: 131072) == APIError(.invalidRequest, "prompt is too long: 140000 tokens > 131072 maximum"))
    }

    @Test("8.1 other errors are not overflows", arguments: [
        (400, #"{"error":{"message":"Something specific went wrong","type":"invalid_request_error","code":"bad"}}"#),
        (400, #"{"object":"error","message":"max_tokens must be at least 1, got 0.","type":"BadRequestError","code":400}"#),
        (422, #"{"detail":[{"loc":["body","messages",1,"content"],"msg":"field required","type":"missing"}]}"#),
        (429, #"{"error":{"message":"Rate limit reached: 400000 tokens per minute","type":"rate_limit_exceeded"}}"#),
        (401, #"{"error":{"message":"This model's maximum context length is 8192 tokens."}}"#),
        (404, #"{"detail":"Model not found"}"#),
        (503, "Service Unavailable"),
        (400, ""),
        (400, #"{"message":"context too long"}"#),
    ] as [(Int, String)])
    func notOverflows(status: Int, text: String) {
        #expect(ErrorMapping.contextOverflow(status: status, body: Self.body(text)) == nil)
        #expect(!mapped(Self.body(text), status: status).message.hasPrefix("prompt is too long"))
    }

    @Test("8.1 an overflow error frame mid-stream gets the same wording")
    func streamFrame() throws {
        let frame = try #require(JSONValue(parsing: #"{"message":"This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (139000 in the messages, 1000 in the completion).","type":"BadRequestError","code":400}"#))
        #expect(ErrorMapping.streamError(frame) == APIError(.invalidRequest, "prompt is too long: 139000 tokens > 131072 maximum"))
        let bare = try #require(JSONValue(parsing: #"{"message":"too long","code":"context_length_exceeded"}"#))
        #expect(ErrorMapping.streamError(bare, estimatedInputTokens: 9000, contextWindow: 8192).message == "prompt is too long: 9000 tokens > 8192 maximum")
        let text = JSONValue.string("request (5000 tokens) exceeds the available context size (4096 tokens)")
        #expect(ErrorMapping.streamError(text).message == "prompt is too long: 5000 tokens > 4096 maximum")
    }

    @Test("8.1 the stream translator ends an overflow frame with the wording, its estimate and window filling the gaps")
    func streamTranslatorFrame() throws {
        var translator = StreamTranslator(requestedModel: testModel, messageID: testMessageID, estimatedInputTokens: 150_000, contextWindow: 131_072)
        let frame = try decodeChunk(#"{"error":{"message":"Context length exceeded","code":"context_length_exceeded"}}"#)
        let events = translator.start() + translator.receive(chunk(content: "Hi")) + translator.receive(frame)
        #expect(events.last == .error(APIError(.invalidRequest, "prompt is too long: 150000 tokens > 131072 maximum")))
        #expect(invariantViolations(events).isEmpty)
    }

    @Test("8.1 a non-streaming answer that is an overflow error is the same failure")
    func nonStream() throws {
        let response = try decodeChunk(#"{"error":{"message":"This model's maximum context length is 4096 tokens. However, your request has 5000 input tokens.","code":"context_length_exceeded"}}"#)
        let result = ResponseTranslator(requestedModel: testModel, messageID: testMessageID, contextWindow: 8192).translate(response)
        #expect(result == .failure(APIError(.invalidRequest, "prompt is too long: 5000 tokens > 4096 maximum")))
    }

    // MARK: Each server's overflow through the translators

    /// Error frames (and bodies) as each server sends them, and the words the client must see.
    static let serverOverflows: [(server: String, json: String, message: String)] = [
        ("Nebius (vLLM)",
         #"{"error":{"object":"error","message":"This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (139000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}}"#,
         "prompt is too long: 139000 tokens > 131072 maximum"),
        ("vLLM, newer",
         #"{"error":{"message":"This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens. Please reduce the length of the input messages.","type":"BadRequestError","param":null,"code":400}}"#,
         "prompt is too long: 40000 tokens > 32768 maximum"),
        ("SGLang",
         #"{"error":{"object":"error","message":"Requested token count exceeds the model's maximum context length of 131072 tokens. You requested a total of 140000 tokens: 139000 tokens from the input messages and 1000 tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.","type":"BadRequestError","param":null,"code":400}}"#,
         "prompt is too long: 139000 tokens > 131072 maximum"),
        ("SGLang, input longer than the context",
         #"{"error":{"message":"The input (140000 tokens) is longer than the model's context length (131072 tokens).","type":"BadRequestError","code":400}}"#,
         "prompt is too long: 140000 tokens > 131072 maximum"),
        ("llama.cpp server",
         #"{"error":{"code":400,"message":"request (5000 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}}"#,
         "prompt is too long: 5000 tokens > 4096 maximum"),
    ]

    /// The server cases, plus the captured llama-cpp-python body (fixture llamacpp-context-overflow.txt).
    static func overflowCases() throws -> [(server: String, json: [UInt8], message: String)] {
        let (_, fixture) = try Fixtures.upstreamError("llamacpp-context-overflow.txt")
        return serverOverflows.map { ($0.server, Array($0.json.utf8), $0.message) }
            + [("llama-cpp-python (fixture)", fixture, "prompt is too long: 6031 tokens > 4096 maximum")]
    }

    /// A frame decoded the way the upstream client decodes it, checked against `JSONDecoder`.
    func decodedFrame(_ json: [UInt8]) throws -> ChatChunk {
        let frame = try ChatChunk.decode(json: json)
        #expect(frame == (try JSONDecoder().decode(ChatChunk.self, from: Data(json))))
        #expect(frame.error != nil)
        return frame
    }

    @Test("8.1 mid-stream overflow frames of vLLM, SGLang, llama.cpp and Nebius end the stream with one error event in Anthropic's words")
    func serverFramesMidStream() throws {
        for (server, json, message) in try Self.overflowCases() {
            // The estimate and catalogue window differ from the upstream's numbers: the upstream's win.
            var translator = StreamTranslator(requestedModel: testModel, messageID: testMessageID, estimatedInputTokens: 90_000, contextWindow: 262_144)
            var events = translator.start() + translator.receive(chunk(content: "Hi"))
            events += translator.receive(try decodedFrame(json))
            let errors = events.filter { if case .error = $0 { return true } else { return false } }
            #expect(errors == [.error(APIError(.invalidRequest, message))], "\(server)")
            #expect(events.last == .error(APIError(.invalidRequest, message)), "\(server)")
            #expect(invariantViolations(events).isEmpty, "\(server)")
            #expect(translator.isFinished)
            // Nothing follows the error.
            #expect(translator.receive(chunk(content: "more")).isEmpty && translator.finish().isEmpty, "\(server)")
        }
    }

    @Test("8.1 an overflow frame before any content is still one error event right after message_start")
    func serverFramesFirst() throws {
        for (server, json, message) in try Self.overflowCases() {
            var translator = makeTranslator()
            let events = translator.receive(try decodedFrame(json))
            guard case .messageStart? = events.first else { Issue.record("\(server): no message_start first"); continue }
            #expect(Array(events.dropFirst()) == [.error(APIError(.invalidRequest, message))], "\(server)")
        }
    }

    @Test("8.1 the same overflows non-streaming: the answer body and the HTTP error give the same wording")
    func serverBodiesNonStream() throws {
        for (server, json, message) in try Self.overflowCases() {
            let result = ResponseTranslator(requestedModel: testModel, messageID: testMessageID, estimatedInputTokens: 90_000, contextWindow: 262_144)
                .translate(try decodedFrame(json))
            #expect(result == .failure(APIError(.invalidRequest, message)), "\(server)")
            #expect(mapped(json, status: 400, estimate: 90_000, window: 262_144) == APIError(.invalidRequest, message), "\(server)")
        }
    }
}
