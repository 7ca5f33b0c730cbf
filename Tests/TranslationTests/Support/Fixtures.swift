import ClaudeAPI
import Foundation
import OpenAIAPI

/// Loads the captured fixtures: `$FIXTURES_DIR`, else `Tests/Fixtures` of this repository.
enum Fixtures {
    static let directory: URL = {
        if let env = ProcessInfo.processInfo.environment["FIXTURES_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        // Tests/TranslationTests/Support/Fixtures.swift -> Tests/Fixtures
        var tests = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { tests.deleteLastPathComponent() }
        return tests.appendingPathComponent("Fixtures")
    }()

    static func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }

    static func data(_ relativePath: String) throws -> Data { try Data(contentsOf: url(relativePath)) }

    /// File names (not paths) in a fixture folder with the given extension, sorted.
    static func names(in folder: String, ext: String) -> [String] {
        let items = (try? FileManager.default.contentsOfDirectory(atPath: url(folder).path)) ?? []
        return items.filter { $0.hasSuffix("." + ext) }.sorted()
    }

    static var claudeCodeNames: [String] { names(in: "claude-code", ext: "json") }

    /// One captured client request.
    struct CapturedRequest: Decodable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: JSONValue
    }

    static func captured(_ name: String) throws -> CapturedRequest {
        try JSONDecoder().decode(CapturedRequest.self, from: data("claude-code/" + name))
    }

    /// The raw body bytes of a captured request (re-encoded from the capture).
    static func bodyData(_ name: String) throws -> Data {
        try JSONEncoder().encode(captured(name).body)
    }

    static func request(_ name: String) throws -> MessagesRequest {
        try JSONDecoder().decode(MessagesRequest.self, from: bodyData(name))
    }

    /// The `data:` payloads of an SSE file, in order (test-only splitter; the real decoder is in Upstream).
    static func ssePayloads(_ name: String) throws -> [String] {
        let text = String(decoding: try data("upstream/" + name), as: UTF8.self)
        var payloads: [String] = []
        for event in text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n") {
            let lines = event.split(separator: "\n", omittingEmptySubsequences: true)
            let data = lines.compactMap { line -> String? in
                guard line.hasPrefix("data:") else { return nil }
                let rest = line.dropFirst(5)
                return String(rest.first == " " ? rest.dropFirst() : rest)
            }
            if !data.isEmpty { payloads.append(data.joined(separator: "\n")) }
        }
        return payloads
    }

    /// The chunks of an SSE file, `[DONE]` left out.
    static func chunks(_ name: String) throws -> [ChatChunk] {
        try ssePayloads(name).filter { $0 != "[DONE]" }.map {
            try JSONDecoder().decode(ChatChunk.self, from: Data($0.utf8))
        }
    }

    /// A captured upstream error: the body, and the status from the last line `HTTP <status>`.
    static func upstreamError(_ name: String) throws -> (status: Int, body: [UInt8]) {
        let text = String(decoding: try data("upstream/" + name), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let last = lines.popLast(), last.hasPrefix("HTTP "), let status = Int(last.dropFirst(5).trimmingCharacters(in: .whitespaces))
        else { throw FixtureError.malformed(name) }
        return (status, Array(lines.joined(separator: "\n").utf8))
    }

    enum FixtureError: Error { case malformed(String) }
}
