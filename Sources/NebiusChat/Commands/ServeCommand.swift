import ArgumentParser
import Foundation
import Logging
import ProxyServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Claude Messages API, backed by Nebius models (for Claude Code and Anthropic SDKs).",
        discussion: """
            Claude Code:
              nebius-chat serve &
              ANTHROPIC_BASE_URL=http://localhost:8083 ANTHROPIC_AUTH_TOKEN=any claude

            Claude model names are mapped: haiku -> SMALL_MODEL, sonnet -> MIDDLE_MODEL,
            opus and anything else -> BIG_MODEL, any request with an image -> VISION_MODEL;
            a Nebius id such as zai-org/GLM-5.2 passes through unchanged. A configured model that
            has left the catalogue is replaced (the start-up lines say by what), and
            FALLBACK_MODEL=a,b is tried when a model is not found or stays down.

            For Claude Code, `nebius-chat claude` starts serve and claude together.

            Set ANTHROPIC_API_KEY on the server to require that key from clients (x-api-key or
            Authorization: Bearer). Listening beyond loopback without it is refused unless
            --allow-unauthenticated is given.

            Endpoints: POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models,
            GET /v1/models/{id}, GET /health, GET /metrics (Prometheus text; METRICS=off removes it).
            """
    )

    @Option(name: .long, help: "Address to listen on (HOST; default 127.0.0.1).")
    var host: String?

    @Option(name: .shortAndLong, help: "Port to listen on (PORT; default 8083, 0 picks a free one).")
    var port: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error (LOG_LEVEL; default info).")
    var logLevel: String?

    @Flag(name: .long, help: "Listen on a non-loopback address even though ANTHROPIC_API_KEY is not set.")
    var allowUnauthenticated = false

    func run() async throws {
        var flags: [String: String] = [:]
        flags["HOST"] = host
        flags["PORT"] = port.map(String.init)
        flags["LOG_LEVEL"] = logLevel
        let settings = try loadSettings(flags: flags)
        try await Serve(settings: settings, allowUnauthenticated: allowUnauthenticated).run()
    }
}
