import ClaudeAPI
import Foundation
import Testing
@testable import ToolUse

/// Start-up failures with real processes that are no MCP servers (no Python needed).
@Suite struct MCPToolboxStartTests {
    func toolbox(_ servers: [(String, MCPServerConfig.Transport)], startup: Double = 0.5) -> (MCPToolbox, String) {
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-logs-\(UUID().uuidString)").path
        let options = MCPToolboxOptions(
            startupTimeout: startup, callTimeout: 1, environment: ["PATH": "/usr/bin:/bin", "SECRET_TOKEN": "hunter2"],
            workingDirectory: "/", logDirectory: logs)
        return (MCPToolbox(servers: servers.map { MCPServerConfig(name: $0.0, transport: $0.1, source: "test") }, options: options), logs)
    }

    @Test func eachFailureGetsItsOwnLineOnceAndNoTools() async {
        let (toolbox, logs) = toolbox([
            ("missing", .stdio(command: "no-such-mcp-server-here", arguments: [], environment: [:])),
            ("quits", .stdio(command: "sh", arguments: ["-c", "echo going away >&2; exit 3"], environment: ["TOKEN": "s3cret"])),
            ("silent", .stdio(command: "sleep", arguments: ["30"], environment: [:])),
        ])
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let lines = await toolbox.start()
        #expect(lines.count == 3)
        #expect(lines.contains("MCP server missing: command not found: no-such-mcp-server-here (not in PATH)"))
        #expect(lines.contains { $0.hasPrefix("MCP server quits: it exited while starting (exit status 3); its log: \(logs)/quits.log") })
        #expect(lines.contains { $0.hasPrefix("MCP server silent: it did not answer within 0.5 s of starting (MCP_TIMEOUT)") })
        for line in lines { #expect(!line.contains("s3cret") && !line.contains("hunter2")) }
        #expect(await toolbox.tools().isEmpty)
        // Said once: a second prompt does not repeat them.
        #expect(await toolbox.start().isEmpty)
        // The server's stderr went to its log, never to the screen.
        let log = (try? String(contentsOfFile: logs + "/quits.log", encoding: .utf8)) ?? ""
        #expect(log.contains("going away"))
        let states = await toolbox.status().map(\.state)
        #expect(states.allSatisfy { if case .failed = $0 { return true }; return false })
        await toolbox.shutdown()
    }

    // Its own test, with time to spare: under a loaded test run the first connection attempt
    // can take longer than the 0.5 s the silent server above is given.
    @Test func anHTTPServerThatRefusesConnectionsSaysSo() async {
        let (toolbox, logs) = toolbox([("web", .http(url: "http://127.0.0.1:9/mcp", headers: [:]))], startup: 10)
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let lines = await toolbox.start()
        #expect(lines == ["MCP server web: it did not start: cannot reach http://127.0.0.1:9/mcp: connection refused"])
        #expect(await toolbox.tools().isEmpty)
        await toolbox.shutdown()
    }

    @Test func aCallToAServerThatIsNotRunningIsAnErrorResult() async {
        let (toolbox, logs) = toolbox([("quits", .stdio(command: "false", arguments: [], environment: [:]))])
        defer { try? FileManager.default.removeItem(atPath: logs) }
        await toolbox.start()
        let outcome = await toolbox.call(name: "mcp__quits__anything", input: .object([:]))
        #expect(outcome.isError)
        guard case .unavailable(let server, let reason) = outcome.failure else {
            Issue.record("not unavailable: \(String(describing: outcome.failure))")
            return
        }
        #expect(server == "quits")
        #expect(reason.hasPrefix("it exited while starting (exit status 1)"))
        #expect(await toolbox.call(name: "mcp__other__x", input: .null).failure == .unknownTool("mcp__other__x"))
        await toolbox.shutdown()
    }

    @Test func aHangingStartIsStoppedSoShutdownEndsTheProcess() async throws {
        let (toolbox, logs) = toolbox([("silent", .stdio(command: "sleep", arguments: ["30"], environment: [:]))], startup: 0.3)
        defer { try? FileManager.default.removeItem(atPath: logs) }
        let clock = ContinuousClock()
        let start = clock.now
        await toolbox.start()
        await toolbox.shutdown()
        // Bounded by the start-up timeout and the stop's grace periods, not by `sleep 30`.
        #expect(clock.now - start < .seconds(10))
    }
}

@Suite struct FirstOfTests {
    @Test func theFirstResultWinsWithoutWaitingForTheOthers() async {
        let result: Int? = await firstOf([
            {
                // Ignores cancellation on purpose, as a pending SDK request does.
                await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
                return 1
            },
            { 2 },
        ])
        #expect(result == 2)
    }

    @Test func allNilGivesNil() async {
        let result: Int? = await firstOf([{ nil }, { nil }])
        #expect(result == nil)
    }

    @Test func cancellingTheCallerGivesNil() async {
        let task = Task<Int?, Never> {
            await firstOf([
                {
                    try? await Task.sleep(for: .seconds(30))
                    return Task.isCancelled ? nil : 1
                },
            ])
        }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == nil)
    }
}
