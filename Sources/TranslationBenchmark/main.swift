// Translation benchmark (not a test). Run with a release build:
//
//     swift run -c release TranslationBenchmark [fixtures-dir]
//
// (a) one Claude Code request: JSONDecoder -> ModelRouter -> RequestTranslator -> JSONEncoder,
//     median and p99 over many iterations after a warm-up, and the same broken down by phase;
// (b) a generated 2,000-chunk upstream stream: decode each chunk's JSON bytes, feed
//     StreamTranslator, encode every event as an SSE frame; chunks per second.
//
// `fixtures-dir` defaults to $FIXTURES_DIR, else Tests/Fixtures of the repository around the
// current directory (or, failing that, of the checkout the benchmark was built from).
import ClaudeAPI
import Foundation
import OpenAIAPI
import Translation

// MARK: - Helpers

/// `--quick`: a tenth of the iterations (a smoke run, or under valgrind).
let quick = CommandLine.arguments.contains("--quick")
/// `--only=request` or `--only=stream`.
let only = CommandLine.arguments.first { $0.hasPrefix("--only=") }.map { String($0.dropFirst(7)) }
func scaled(_ n: Int) -> Int { quick ? max(1, n / 10) : n }

func fixturesDirectory() -> URL {
    let arguments = CommandLine.arguments.dropFirst().filter { !$0.hasPrefix("--") }
    if let given = arguments.first { return URL(fileURLWithPath: given) }
    if let env = ProcessInfo.processInfo.environment["FIXTURES_DIR"], !env.isEmpty {
        return URL(fileURLWithPath: env)
    }
    // The repository holding the current directory: the nearest ancestor with Tests/Fixtures.
    let files = FileManager.default
    var directory = URL(fileURLWithPath: files.currentDirectoryPath)
    while true {
        let candidate = directory.appendingPathComponent("Tests/Fixtures")
        if files.fileExists(atPath: candidate.appendingPathComponent("claude-code").path) { return candidate }
        let parent = directory.deletingLastPathComponent()
        if parent.path == directory.path { break }
        directory = parent
    }
    // Run from elsewhere: the repository this binary was built from.
    // Sources/TranslationBenchmark/main.swift -> package root -> Tests/Fixtures
    return URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures")
}

struct Stats {
    var samples: [Double]  // nanoseconds
    init(_ samples: [Double]) { self.samples = samples.sorted() }
    func quantile(_ q: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let position = min(samples.count - 1, max(0, Int((Double(samples.count - 1) * q).rounded())))
        return samples[position]
    }
    var median: Double { quantile(0.5) }
    var p99: Double { quantile(0.99) }
    var mean: Double { samples.reduce(0, +) / Double(max(1, samples.count)) }
}

@inline(__always)
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

func ms(_ ns: Double) -> String { String(format: "%.3f ms", ns / 1_000_000) }
func us(_ ns: Double) -> String { String(format: "%7.1f us", ns / 1_000) }

/// Keeps the optimiser from discarding results.
nonisolated(unsafe) var sink = 0

struct Fixture: Decodable { var body: JSONValue }

// MARK: - (a) request path

func benchmarkRequest(fixtures: URL) throws {
    let file = fixtures.appendingPathComponent("claude-code/cc_p_after_400_fallback_all_tools_inline.json")
    let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: file))
    let body = try JSONEncoder().encode(fixture.body)
    let bodyBytes = [UInt8](body)
    let config = TranslationConfig()
    let router = ModelRouter(config: config)
    let translator = RequestTranslator(config: config)
    let decoder = JSONDecoder()
    let encoder = JSONEncoder()

    /// One run of one path; fills the per-phase times.
    func once(fast: Bool, _ phases: inout (Double, Double, Double, Double)) throws -> Double {
        let t0 = now()
        let request = fast ? try MessagesRequest.decode(json: bodyBytes) : try decoder.decode(MessagesRequest.self, from: body)
        let t1 = now()
        let model = router.route(request)
        let t2 = now()
        let translated = try translator.translate(request, upstreamModel: model)
        let t3 = now()
        let out = fast ? translated.chat.jsonBytes().count : try encoder.encode(translated.chat).count
        let t4 = now()
        sink &+= out
        phases = (Double(t1 - t0), Double(t2 - t1), Double(t3 - t2), Double(t4 - t3))
        return Double(t4 - t0)
    }

    print("(a) request: decode + route + translate + encode of \(file.lastPathComponent) (\(body.count) bytes of JSON)")
    for (fast, label, iterations) in [(false, "Foundation JSONDecoder / JSONEncoder", scaled(1000)), (true, "fast path: MessagesRequest.decode(json:) / ChatRequest.jsonBytes()", scaled(5000))] {
        var phase = (0.0, 0.0, 0.0, 0.0)
        for _ in 0..<(iterations / 10) { _ = try once(fast: fast, &phase) }
        var total: [Double] = []
        var decode: [Double] = [], route: [Double] = [], translate: [Double] = [], encode: [Double] = []
        total.reserveCapacity(iterations)
        for _ in 0..<iterations {
            total.append(try once(fast: fast, &phase))
            decode.append(phase.0)
            route.append(phase.1)
            translate.append(phase.2)
            encode.append(phase.3)
        }
        let t = Stats(total)
        print("  \(label): \(iterations) iterations after \(iterations / 10) warm-up")
        print("    total      median \(ms(t.median))   p99 \(ms(t.p99))   (target < 0.500 ms)")
        for (name, samples) in [("decode", decode), ("route", route), ("translate", translate), ("encode", encode)] {
            let s = Stats(samples)
            print("    \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) median \(us(s.median))   p99 \(us(s.p99))")
        }
    }
}

// MARK: - (b) stream path

/// A realistic vLLM-style stream: reasoning, text, two tool calls, finish, usage.
func generatedStream(chunks: Int) -> [Data] {
    func frame(_ delta: String, finish: String = "null") -> String {
        #"{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1795635502,"model":"zai-org/GLM-4.7-FP8","choices":[{"index":0,"delta":\#(delta),"logprobs":null,"finish_reason":\#(finish)}]}"#
    }
    var out: [String] = []
    let words = ["The", " quick", " brown", " fox", " jumps", " over", " the", " lazy", " dog", ".", "\n", " \"quoted\""]
    out.append(frame(#"{"role":"assistant","content":""}"#))
    let reasoning = chunks / 5
    let toolFragments = chunks / 5
    let text = chunks - reasoning - toolFragments - 3
    for i in 0..<reasoning { out.append(frame(#"{"reasoning_content":"\#(words[i % words.count].replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))"}"#)) }
    for i in 0..<text { out.append(frame(#"{"content":"\#(words[(i * 7) % words.count].replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n"))"}"#)) }
    out.append(frame(#"{"tool_calls":[{"index":0,"id":"call_a1","type":"function","function":{"name":"Bash","arguments":""}}]}"#))
    out.append(frame(#"{"tool_calls":[{"index":1,"id":"call_b2","type":"function","function":{"name":"Read","arguments":""}}]}"#))
    for i in 0..<(toolFragments - 2) {
        let index = i % 2
        let piece: String
        if i < 2 { piece = #"{\"command\": \""# } else if i >= toolFragments - 4 { piece = #"\"}"# } else { piece = "ls -la " }
        out.append(frame(#"{"tool_calls":[{"index":\#(index),"function":{"arguments":"\#(piece)"}}]}"#))
    }
    out.append(frame("{}", finish: #""tool_calls""#))
    out.append(#"{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1795635502,"model":"zai-org/GLM-4.7-FP8","choices":[],"usage":{"prompt_tokens":51234,"completion_tokens":1999,"total_tokens":53233,"prompt_tokens_details":{"cached_tokens":50000}}}"#)
    return out.map { Data($0.utf8) }
}

func benchmarkStream() throws {
    let frames = generatedStream(chunks: 2000)
    let decoder = JSONDecoder()
    let encoder = JSONEncoder()

    func once(fast: Bool) throws -> (ns: Double, bytes: Int, events: Int) {
        let t0 = now()
        var translator = StreamTranslator(requestedModel: "claude-opus-4-5", messageID: "msg_bench", estimatedInputTokens: 50000)
        var output = Data()
        output.reserveCapacity(1 << 20)
        var events = 0
        for event in translator.start() {
            output.append(try event.sseFrame(encoder: encoder))
            events += 1
        }
        for frame in frames {
            let chunk = fast ? try ChatChunk.decode(json: frame) : try decoder.decode(ChatChunk.self, from: frame)
            for event in translator.receive(chunk) {
                output.append(try event.sseFrame(encoder: encoder))
                events += 1
            }
        }
        for event in translator.finish() {
            output.append(try event.sseFrame(encoder: encoder))
            events += 1
        }
        let ns = Double(now() - t0)
        sink &+= output.count
        return (ns, output.count, events)
    }

    print("(b) stream: \(frames.count) chunks: decode each chunk's JSON, StreamTranslator.receive, StreamEvent.sseFrame(encoder:)")
    for (fast, label) in [(false, "chunks decoded with JSONDecoder"), (true, "chunks decoded with ChatChunk.decode(json:)")] {
        for _ in 0..<5 { _ = try once(fast: fast) }
        var runs: [Double] = []
        var last = (ns: 0.0, bytes: 0, events: 0)
        for _ in 0..<scaled(40) {
            last = try once(fast: fast)
            runs.append(last.ns)
        }
        let s = Stats(runs)
        let perSecond = Double(frames.count) / (s.median / 1e9)
        print("  \(label): \(scaled(40)) runs after 5 warm-up, \(last.events) events, \(last.bytes) bytes of SSE per run")
        print("    per stream median \(ms(s.median))   p99 \(ms(s.p99))")
        print(String(format: "    throughput %.0f chunks/s (median run), %.2f us per chunk   (target >= 200000 chunks/s)", perSecond, s.median / Double(frames.count) / 1000))
    }

    // Where the time goes: decode alone, translate alone, SSE encode alone.
    let chunks = try frames.map { try ChatChunk.decode(json: $0) }
    var decodeRuns: [Double] = [], fastDecodeRuns: [Double] = [], translateRuns: [Double] = [], encodeRuns: [Double] = []
    for _ in 0..<scaled(20) {
        var t0 = now()
        for frame in frames { sink &+= try decoder.decode(ChatChunk.self, from: frame).choices.count }
        decodeRuns.append(Double(now() - t0))
        t0 = now()
        for frame in frames { sink &+= try ChatChunk.decode(json: frame).choices.count }
        fastDecodeRuns.append(Double(now() - t0))
        t0 = now()
        var translator = StreamTranslator(requestedModel: "claude-opus-4-5", messageID: "msg_bench")
        var all: [StreamEvent] = translator.start()
        for chunk in chunks { all += translator.receive(chunk) }
        all += translator.finish()
        translateRuns.append(Double(now() - t0))
        t0 = now()
        var bytes = 0
        for event in all { bytes += try event.sseFrame(encoder: encoder).count }
        sink &+= bytes
        encodeRuns.append(Double(now() - t0))
    }
    print("  breakdown per stream (median): JSONDecoder \(ms(Stats(decodeRuns).median)), ChatChunk.decode(json:) \(ms(Stats(fastDecodeRuns).median)), translate \(ms(Stats(translateRuns).median)), SSE frames \(ms(Stats(encodeRuns).median))")
}

let fixtures = fixturesDirectory()
print("fixtures: \(fixtures.path)")
if only == nil || only == "request" { try benchmarkRequest(fixtures: fixtures) }
if only == nil { print("") }
if only == nil || only == "stream" { try benchmarkStream() }
if sink == 42 { print("") }
