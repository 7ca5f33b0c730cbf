import Foundation
import Testing
@testable import ToolUse

@Suite struct MCPConfigFileTests {
    func parse(_ json: String, environment: [String: String] = [:]) throws -> (servers: [MCPServerConfig], warnings: [String]) {
        try MCPConfigFile.parse(Data(json.utf8), source: "mcp.json", environment: environment)
    }

    @Test func readsStdioAndHTTPEntriesInTheClaudeFormat() throws {
        let (servers, warnings) = try parse("""
            {"mcpServers": {
              "calc": {"command": "python3", "args": ["calc.py", "--fast"], "env": {"TOKEN": "t0k"}},
              "docs": {"type": "http", "url": "https://example.com/mcp", "headers": {"Authorization": "Bearer x"}}
            }}
            """)
        #expect(warnings.isEmpty)
        #expect(servers.map(\.name) == ["calc", "docs"])
        #expect(servers[0].transport == .stdio(command: "python3", arguments: ["calc.py", "--fast"], environment: ["TOKEN": "t0k"]))
        #expect(servers[1].transport == .http(url: "https://example.com/mcp", headers: ["Authorization": "Bearer x"]))
        #expect(servers[0].summary == "python3 calc.py --fast")
    }

    @Test func summaryNeverShowsEnvironmentOrHeaderValues() throws {
        let (servers, _) = try parse("""
            {"mcpServers": {"a": {"command": "srv", "env": {"KEY": "s3cret-value"}},
                            "b": {"type": "http", "url": "http://127.0.0.1:1/mcp", "headers": {"X-Key": "s3cret-value"}}}}
            """)
        for server in servers { #expect(!server.summary.contains("s3cret")) }
        // Arguments and URLs are shown as written, before the secrets are filled in.
        let (expanded, _) = try parse("""
            {"mcpServers": {"a": {"command": "srv", "args": ["--token", "${TOKEN}"]},
                            "b": {"type": "http", "url": "https://x.example/mcp?key=${TOKEN}"}}}
            """, environment: ["TOKEN": "s3cret-value"])
        #expect(expanded.map(\.summary) == ["srv --token ${TOKEN}", "https://x.example/mcp?key=${TOKEN}"])
        #expect(expanded.first?.transport == .stdio(command: "srv", arguments: ["--token", "s3cret-value"], environment: [:]))
    }

    @Test func expandsVariablesWithDefaults() throws {
        let (servers, _) = try parse("""
            {"mcpServers": {"calc": {"command": "${TOOLS}/calc", "args": ["${MODE:-fast}", "${EMPTY:-x}", "${UNSET}"],
                                     "env": {"TOKEN": "${SECRET}"}}}}
            """, environment: ["TOOLS": "/opt/tools", "SECRET": "abc", "EMPTY": ""])
        #expect(servers.first?.transport == .stdio(command: "/opt/tools/calc", arguments: ["fast", "x", ""], environment: ["TOKEN": "abc"]))
        #expect(MCPConfigFile.expand("a ${B", environment: ["B": "x"]) == "a ${B")
        #expect(MCPConfigFile.expand("no variables", environment: [:]) == "no variables")
    }

    @Test func aBadEntryIsSkippedWithAWarningAndTheOthersStay() throws {
        let (servers, warnings) = try parse("""
            {"mcpServers": {"good": {"command": "ok"}, "nocommand": {"args": []}, "badargs": {"command": "x", "args": [1]},
                            "web": {"type": "http"}, "old": {"type": "sse", "url": "http://x"}, "odd": {"type": "pigeon"},
                            "notobject": 3}}
            """)
        #expect(servers.map(\.name) == ["good"])
        #expect(warnings.count == 6)
        #expect(warnings.contains { $0.contains("\"nocommand\" needs a \"command\"") })
        #expect(warnings.contains { $0.contains("\"badargs\": \"args\" must be a list of strings") })
        #expect(warnings.contains { $0.contains("\"web\" needs a \"url\"") })
        #expect(warnings.contains { $0.contains("SSE transport is deprecated") })
        #expect(warnings.contains { $0.contains("unknown \"type\" \"pigeon\"") })
        #expect(warnings.contains { $0.contains("\"notobject\" must be an object") })
    }

    @Test func malformedFilesAreClearErrors() {
        #expect(throws: MCPConfigError.self) { try parse("{not json") }
        do {
            _ = try parse("[1, 2]")
            Issue.record("an array was accepted")
        } catch {
            #expect("\(error)".contains("expected a JSON object"))
        }
        #expect(throws: MCPConfigError.self) { try parse(#"{"mcpServers": []}"#) }
        #expect((try? parse(#"{"other": 1}"#))?.servers.isEmpty == true)
    }

    @Test func theProjectFileReplacesTheUsersEntryOfTheSameName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mcp-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(#"{"mcpServers": {"calc": {"command": "user-calc"}, "notes": {"command": "notes"}}}"#.utf8).write(to: URL(fileURLWithPath: dir + "/user.json"))
        try Data(#"{"mcpServers": {"calc": {"command": "project-calc"}}}"#.utf8).write(to: URL(fileURLWithPath: dir + "/project.json"))
        try Data("{broken".utf8).write(to: URL(fileURLWithPath: dir + "/broken.json"))
        let configuration = MCPConfiguration.load(
            paths: [dir + "/user.json", dir + "/missing.json", dir + "/project.json", dir + "/broken.json"], environment: [:])
        #expect(configuration.servers.map(\.name) == ["calc", "notes"])
        #expect(configuration.servers.first?.transport == .stdio(command: "project-calc", arguments: [], environment: [:]))
        #expect(configuration.warnings.count == 1)
        #expect(configuration.warnings.first?.hasPrefix(dir + "/broken.json: not valid JSON") == true)
    }
}
