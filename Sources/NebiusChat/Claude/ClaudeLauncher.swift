import ArgumentParser
import Foundation
import Logging
import ProxyServer
import Subprocess
import Synchronization
import SystemPackage
import Upstream

#if canImport(Glibc)
import Glibc
#endif

/// `nebius-chat claude`: serve in-process on a loopback port, Claude Code in the foreground.
struct ClaudeLauncher {
    let settings: Settings
    let executable: String
    let arguments: [String]

    /// Runs Claude Code to its end and returns its exit status (128 + N after signal N).
    func run() async throws -> Int32 {
        let launchKey = Self.newLaunchKey()
        var settings = self.settings
        settings.server.host = "127.0.0.1"
        settings.server.port = 0
        settings.server.clientAPIKey = launchKey

        let logPath = Self.logPath()
        let sink = FileLogHandler.Sink(path: logPath)
        let level = settings.logLevel
        let logger = Logger(label: "nebius-chat") { label in
            guard let sink else { return SwiftLogNoOpLogHandler() }
            return FileLogHandler(label: label, sink: sink, logLevel: level)
        }
        defer { sink?.close() }

        let httpClient = UpstreamClient.makeHTTPClient(config: settings.upstream)
        let service = settings.makeService(httpClient: httpClient, logger: logger)
        let app = settings.makeProxy(service: service, server: settings.server, logger: logger)
        let (listening, announce) = AsyncStream<String>.makeStream()
        let server = Task {
            do {
                try await app.run(drainSeconds: 1, handlesSignals: false) { address in
                    announce.yield(address)
                    announce.finish()
                }
            } catch {
                logger.error("the server stopped: \(error)")
            }
            announce.finish()
        }
        // The catalogue decides the ids and windows Claude Code is told: give a first fetch a
        // moment (later launches start from the disk cache at once).
        _ = await service.catalogue?.models(waitingAtMost: .seconds(3))
        var addresses = listening.makeAsyncIterator()
        guard let address = await addresses.next() else {
            printError("nebius-chat claude: the local server did not start; see \(logPath)")
            try? await httpClient.shutdown()
            return 1
        }
        logger.info("serving Claude Code on \(address)")

        let resolution = service.resolved()
        for replacement in resolution.replacements {
            printError("nebius-chat claude: note: \(replacement.notice)")
        }
        var windows: [String: Int] = [:]
        for model in service.catalogue?.current ?? [] {
            if let window = model.contextLength { windows[model.id] = window }
        }
        let claudeEnvironment = ClaudeEnvironment(
            baseURL: address, launchKey: launchKey, translation: resolution.config, windows: windows,
            maxTokensLimit: settings.translation.maxTokens)
        let childEnvironment = claudeEnvironment.applied(to: ProcessInfo.processInfo.environment)

        let status: Int32
        do {
            status = try await Self.runInForeground(executable, arguments: arguments, environment: childEnvironment)
        } catch {
            printError("nebius-chat claude: \(executable) could not be started: \(error)")
            status = 126
        }
        server.cancel()
        _ = await server.value
        try? await httpClient.shutdown()
        service.calibration.savePending()
        logger.info("Claude Code exited with status \(status)")
        return status
    }

    /// Runs the program with this terminal, in this process group: the terminal's Ctrl-C reaches
    /// it directly (and is ignored here); SIGTERM and SIGHUP sent to this process are passed on.
    static func runInForeground(_ path: String, arguments: [String], environment: [String: String]) async throws -> Int32 {
        var keys: [Environment.Key: String] = [:]
        for (name, value) in environment { keys[Environment.Key(stringLiteral: name)] = value }
        // The child starts with default dispositions (Subprocess resets them), so ignoring here
        // leaves Claude Code's own Ctrl-C handling intact.
        signal(SIGINT, SIG_IGN)
        signal(SIGQUIT, SIG_IGN)
        defer {
            signal(SIGINT, SIG_DFL)
            signal(SIGQUIT, SIG_DFL)
        }
        // A signal that arrives between the spawn and the moment the pid is known waits for it.
        let child = Mutex<(pid: pid_t?, pending: [Int32])>((nil, []))
        let forwarding = SignalForwarding(signals: [SIGTERM, SIGHUP]) { number in
            let pid = child.withLock { state -> pid_t? in
                if state.pid == nil { state.pending.append(number) }
                return state.pid
            }
            if let pid { kill(pid, number) }
        }
        defer { forwarding.cancel() }
        let result = try await Subprocess.run(
            .path(FilePath(path)), arguments: Arguments(arguments), environment: .custom(keys),
            input: .currentStandardInput, output: .currentStandardOutput, error: .currentStandardError
        ) { execution in
            let pid = execution.processIdentifier.value
            let pending = child.withLock { state -> [Int32] in
                state.pid = pid
                defer { state.pending = [] }
                return state.pending
            }
            for number in pending { kill(pid, number) }
        }
        switch result.terminationStatus {
        case .exited(let code): return code
        case .signaled(let number): return 128 + number
        }
    }

    /// 32 random bytes as hex: the client key of this launch only.
    static func newLaunchKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return "nc-launch-" + (0..<4).map { _ in
            let word = UInt64.random(in: .min ... .max, using: &generator)
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// `$XDG_STATE_HOME/nebius-chat/claude.log`.
    static func logPath() -> String {
        ConfigurationLayers.xdgDirectory("XDG_STATE_HOME", fallback: ".local/state", environment: ProcessInfo.processInfo.environment)
            + "/nebius-chat/claude.log"
    }
}
