import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ProxyServer
import Upstream

/// Runs `serve`: checks the settings, prints the start-up summary, and serves until stopped.
struct Serve {
    let settings: Settings
    let allowUnauthenticated: Bool

    func run() async throws {
        try requireAPIKey(settings)
        let server = settings.server
        if !server.isLoopback && (server.clientAPIKey ?? "").isEmpty && !allowUnauthenticated {
            printError("""
                nebius-chat: refusing to listen on \(server.host) without a client key: anyone who can reach
                this address could spend your Nebius credits. Set ANTHROPIC_API_KEY (clients then send it as
                x-api-key or Authorization: Bearer), or pass --allow-unauthenticated if the network is yours.
                """)
            throw ExitCode(2)
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = settings.logLevel
            return handler
        }
        let logger = Logger(label: "nebius-chat")
        let httpClient = UpstreamClient.makeHTTPClient(config: settings.upstream)
        let service = settings.makeService(httpClient: httpClient, logger: logger)
        let app = settings.makeProxy(service: service, server: server, logger: logger)
        // The summary names replacements for retired models: give a missing or old catalogue a
        // moment (requests never wait for it).
        _ = await service.catalogue?.models(waitingAtMost: .seconds(3))
        let resolution = service.resolved()
        do {
            try await app.run { address in
                // Written at once, unbuffered: scripts wait for this line to know the port.
                FileHandle.standardOutput.write(Data(startupSummary(address: address, resolution: resolution).utf8))
            }
        } catch {
            try? await httpClient.shutdown()
            printError(ListenFailure(error: error, host: server.host, port: server.port)?.message
                ?? "nebius-chat: the server stopped: \(error)")
            throw ExitCode(1)
        }
        service.calibration.savePending()  // what the last seconds taught (written at most every 10 s)
        try await httpClient.shutdown()
    }

    func startupSummary(address: String, resolution: ModelResolution? = nil) -> String {
        let t = resolution?.config ?? settings.translation
        var lines = [
            "nebius-chat serve listening on \(address)",
            "  upstream: \(settings.upstream.baseURL) (key from \(settings.apiKeySource ?? "nowhere"))",
            "  models:   opus/other -> \(t.bigModel), sonnet -> \(t.middleModel), haiku -> \(t.smallModel), images -> \(t.visionModel)",
        ]
        lines += (resolution?.replacements ?? []).map { "  note:     \($0.notice)" }
        if !settings.fallbackModels.isEmpty {
            lines.append("  fallback: \(settings.fallbackModels.joined(separator: ", "))")
        }
        let keyed = !(settings.server.clientAPIKey ?? "").isEmpty
        lines.append(
            keyed
                ? "  client auth: on (x-api-key or Authorization: Bearer must match ANTHROPIC_API_KEY)"
                : "  client auth: off (any client may connect; set ANTHROPIC_API_KEY to require a key)")
        // The key is named, never printed: the summary lands in terminals and logs.
        let token = keyed ? " ANTHROPIC_AUTH_TOKEN=\"$ANTHROPIC_API_KEY\"" : ""
        lines.append("  Claude Code: ANTHROPIC_BASE_URL=\(address)\(token) claude")
        lines.append("               (or let nebius-chat start both: nebius-chat claude)")
        return lines.joined(separator: "\n") + "\n\n"
    }
}
