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
        let service = MessagesService(
            upstream: settings.upstream, translation: settings.translation, httpClient: httpClient, logger: logger)
        let upstream = service.client
        let app = ProxyApplication(
            service: service, models: { try await upstream.models() },
            translation: settings.translation, server: server, logger: logger)
        do {
            try await app.run { address in
                // Written at once, unbuffered: scripts wait for this line to know the port.
                FileHandle.standardOutput.write(Data(startupSummary(address: address).utf8))
            }
        } catch {
            try? await httpClient.shutdown()
            printError("nebius-chat: the server stopped: \(error)")
            throw ExitCode(1)
        }
        try await httpClient.shutdown()
    }

    func startupSummary(address: String) -> String {
        let t = settings.translation
        let auth = (settings.server.clientAPIKey ?? "").isEmpty
            ? "off (any client may connect; set ANTHROPIC_API_KEY to require a key)"
            : "on (x-api-key or Authorization: Bearer must match ANTHROPIC_API_KEY)"
        return """
            nebius-chat serve listening on \(address)
              upstream: \(settings.upstream.baseURL) (key from \(settings.apiKeySource ?? "nowhere"))
              models:   opus/other -> \(t.bigModel), sonnet -> \(t.middleModel), haiku -> \(t.smallModel), images -> \(t.visionModel)
              client auth: \(auth)
              Claude Code: ANTHROPIC_BASE_URL=\(address) claude

            """
    }
}
