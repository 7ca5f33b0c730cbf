import AsyncHTTPClient
import Foundation
import Logging
import Terminal
import Upstream

/// What the terminal commands (`chat`, `ask`, `models`) need from the upstream: one HTTP client,
/// the pipeline service and the model catalogue. ``with(settings:_:)`` shuts the client down
/// whatever happens.
struct TerminalUpstream {
    let service: MessagesService
    let client: UpstreamClient
    let catalogue: ModelCatalogue

    /// Runs `body` with a connected upstream, then closes the connection pool and writes what
    /// the token calibration learned in its last seconds.
    static func with<T>(settings: Settings, _ body: (TerminalUpstream) async throws -> T) async throws -> T {
        let httpClient = UpstreamClient.makeHTTPClient(config: settings.upstream)
        let service = settings.makeService(httpClient: httpClient, logger: terminalLogger())
        let upstream = TerminalUpstream(
            service: service, client: service.client, catalogue: service.catalogue ?? .fixed([]))
        defer { service.calibration.savePending() }
        do {
            let result = try await body(upstream)
            try? await httpClient.shutdown()
            return result
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    /// The roles resolved against the catalogue, waiting briefly when none was ever fetched
    /// (a first run: later runs start from the disk cache at once).
    func resolution() async -> ModelResolution {
        _ = await catalogue.models(waitingAtMost: ModelCatalogue.terminalWait)
        return service.resolved()
    }

    /// Log lines go to stderr and, unless LOG_LEVEL is set, only warnings and worse: a chat
    /// should not be interleaved with request logs.
    static func terminalLogger() -> Logger {
        var logger = Logger(label: "nebius-chat") { StreamLogHandler.standardError(label: $0) }
        let layers = ConfigurationLayers.standard(flags: [:])
        if let raw = layers.value("LOG_LEVEL")?.value.lowercased(),
           let level = Logger.Level(rawValue: raw == "warn" ? "warning" : raw) {
            logger.logLevel = level
        } else {
            logger.logLevel = .warning
        }
        return logger
    }
}

/// The directories of the XDG Base Directory spec that the terminal commands use.
enum TerminalPaths {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `$XDG_STATE_HOME/nebius-chat/history`.
    static var history: String {
        ConfigurationLayers.xdgDirectory("XDG_STATE_HOME", fallback: ".local/state", environment: environment) + "/nebius-chat/history"
    }

    /// `$XDG_DATA_HOME/nebius-chat/sessions`.
    static var sessions: String {
        ConfigurationLayers.xdgDirectory("XDG_DATA_HOME", fallback: ".local/share", environment: environment) + "/nebius-chat/sessions"
    }

    static var home: String { environment["HOME"] ?? NSHomeDirectory() }

    /// `NO_COLOR` set to anything but the empty string (https://no-color.org).
    static var noColor: Bool { !(environment["NO_COLOR"] ?? "").isEmpty }
}
