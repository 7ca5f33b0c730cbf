#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Logging
import ScriptedUpstream

/// `ScriptedUpstreamServer --port 0` prints `listening on http://127.0.0.1:PORT` once bound,
/// then serves until SIGINT/SIGTERM. See `Sources/ScriptedUpstream` for the admin endpoints.
struct ScriptedUpstreamServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A scripted OpenAI-compatible server that misbehaves on demand (tests, benchmarks).",
        discussion: """
            Endpoints: POST /v1/chat/completions, GET /v1/models; admin: POST /_scripted/enqueue \
            (a behaviour or a list), GET /_scripted/requests, POST /_scripted/reset, \
            POST /_scripted/catalogue, POST /_scripted/models_failure, POST /_scripted/options. \
            A user message may pick a behaviour with [[script:NAME key=value ...]]. Like Nebius, \
            a chat request for a model the catalogue does not list gets a 404 (see --any-model).
            """)

    @Option(help: "Port to listen on; 0 picks a free one (printed).")
    var port: Int = 0

    @Option(help: "Address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "A JSON file with the model catalogue: a list of models or {\"data\":[...]}.")
    var catalogue: String?

    @Option(name: .customLong("api-key"), help: "Answer 401 unless requests carry 'Authorization: Bearer <key>'.")
    var apiKey: String?

    @Flag(name: .customLong("strict-models"), help: .hidden)
    var strictModels = false

    @Flag(name: .customLong("any-model"), help: "Serve any model id (no 404 for models missing from the catalogue).")
    var anyModel = false

    @Option(
        name: .customLong("enforce-window"),
        help: "Refuse requests whose prompt (chars/4) plus max_tokens exceeds the model's catalogue window, in this style: vllm, nebius, sglang, llamacpp, llamacpp_server, tgi, detail.")
    var enforceWindow: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.")
    var logLevel: String = "warning"

    @Option(name: .customLong("max-records"), help: "Keep only the newest N recorded requests (for load tests).")
    var maxRecords: Int?

    func run() async throws { try await serve() }

    func serve() async throws {
        var configuration = ScriptedUpstream.Configuration(host: host, port: port)
        if let catalogue {
            configuration.catalogueEntries = try ScriptedCatalogue.loadEntries(contentsOf: try Self.read(catalogue))
        }
        configuration.requiredAPIKey = apiKey
        configuration.rejectUnknownModels = !anyModel
        if let enforceWindow {
            guard let style = OverflowStyle(rawValue: enforceWindow) else {
                throw ValidationError("unknown --enforce-window style \(enforceWindow)")
            }
            configuration.enforceContextWindow = style
        }
        configuration.maxRecords = maxRecords
        if let level = Logger.Level(rawValue: logLevel) { configuration.logLevel = level }
        let server = ScriptedUpstream(configuration: configuration)
        let host = self.host
        try await server.runUntilSignal { port in
            Self.say("listening on http://\(host):\(port)\n")
        }
    }

    /// Unbuffered, so that a parent process reading a pipe sees the line at once.
    static func say(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw ValidationError("cannot open catalogue file \(path)")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return bytes
    }
}

// In main.swift the synchronous `ParsableCommand.main()` wins overload resolution (and then
// refuses to run an async command), so parse and run by hand.
do {
    let command = try ScriptedUpstreamServer.parse()
    try await command.serve()
} catch {
    ScriptedUpstreamServer.exit(withError: error)
}
