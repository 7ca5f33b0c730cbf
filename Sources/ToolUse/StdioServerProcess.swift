import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stdio MCP server's process: its stdin and stdout are pipes to us, its stderr goes to a
/// log file (never to the terminal). Foundation's `Process` starts it in a process group of
/// its own, so Ctrl-C in the terminal does not reach it; we stop it ourselves.
// @unchecked: `process` and `pipes` are set once in init; Process and FileHandle are thread-safe
// for the calls made here (isRunning, terminate, close).
final class StdioServerProcess: @unchecked Sendable {
    let process: Process
    /// Our end of the server's stdin.
    let toServer: Int32
    /// Our end of the server's stdout.
    let fromServer: Int32
    private let pipes: (input: Pipe, output: Pipe)
    private let exit = ExitWatch()

    /// Starts `command` (looked up in the environment's `PATH` unless it holds a `/`), with
    /// `environment` as its whole environment, in `directory`.
    init(command: String, arguments: [String], environment: [String: String], directory: String, log: FileHandle?) throws(MCPStartError) {
        // Writing to a server that has exited must be an error, not the end of the program.
        signal(SIGPIPE, SIG_IGN)
        guard let executable = Self.resolve(command, path: environment["PATH"], directory: directory) else {
            throw MCPStartError(command.contains("/")
                ? "\(command) does not exist or is not executable"
                : "command not found: \(command) (not in PATH)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = log ?? FileHandle.nullDevice
        let exit = self.exit
        process.terminationHandler = { process in
            let status = process.terminationReason == .uncaughtSignal
                ? "killed by signal \(process.terminationStatus)"
                : "exit status \(process.terminationStatus)"
            exit.finish(status)
        }
        do {
            try process.run()
        } catch {
            throw MCPStartError("\(command) could not be started: \(error.localizedDescription)")
        }
        // The child holds its own copies; ours of its ends would keep the pipes open.
        try? input.fileHandleForReading.close()
        try? output.fileHandleForWriting.close()
        self.process = process
        self.pipes = (input, output)
        self.toServer = input.fileHandleForWriting.fileDescriptor
        self.fromServer = output.fileHandleForReading.fileDescriptor
    }

    /// How the process ended, once it has (`exit status 3`, `killed by signal 9`).
    var exitStatus: String? { exit.status }

    /// Waits until the process has ended and returns how; `nil` if the waiting task is
    /// cancelled first.
    func waitForExit() async -> String? {
        await exit.wait()
    }

    /// Closes its stdin (a well-behaved server exits), then SIGTERM after `grace`, SIGKILL
    /// after as long again.
    func stop(grace: Duration = .milliseconds(500)) async {
        try? pipes.input.fileHandleForWriting.close()
        if await waitAtMost(grace) { return }
        if process.isRunning { process.terminate() }
        if await waitAtMost(grace) { return }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = await waitAtMost(grace)
    }

    private func waitAtMost(_ duration: Duration) async -> Bool {
        if exit.status != nil { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { [exit] in await exit.wait() != nil }
            group.addTask {
                try? await Task.sleep(for: duration)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// The executable `command` names: a path as given (relative to `directory`), else the
    /// first executable file of that name in `path`.
    static func resolve(_ command: String, path: String?, directory: String) -> String? {
        if command.contains("/") {
            let full = command.hasPrefix("/") ? command : directory + "/" + command
            return access(full, X_OK) == 0 ? full : nil
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") where !dir.isEmpty {
            let candidate = String(dir) + "/" + command
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }
}

/// Why a server did not start.
struct MCPStartError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The end of a process, awaited by any number of tasks (each may give up by being cancelled).
final class ExitWatch: Sendable {
    private struct State {
        var status: String?
        var waiters: [Int: CheckedContinuation<String?, Never>] = [:]
        var nextID = 0
    }
    private let state = Mutex(State())

    var status: String? { state.withLock { $0.status } }

    func finish(_ status: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<String?, Never>] in
            guard state.status == nil else { return [] }
            state.status = status
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    func wait() async -> String? {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: String?? = state.withLock { state in
                    if let status = state.status { return .some(status) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }
}
