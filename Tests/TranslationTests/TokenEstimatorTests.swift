import ClaudeAPI
import Foundation
import Testing
@testable import Translation

@Suite("TokenEstimator")
struct TokenEstimatorTests {
    func estimate(_ messages: [Message], system: SystemPrompt? = nil, tools: [Tool]? = nil) -> Int {
        TokenEstimator.estimate(MessagesRequest(model: "m", messages: messages, system: system, tools: tools))
    }

    /// The first bytes of a PNG of the given size, base64 (what the estimator reads).
    func png(width: Int, height: Int) -> String {
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
        bytes += be32(width) + be32(height) + [8, 6, 0, 0, 0] + [0, 0, 0, 0]
        bytes += [UInt8](repeating: 0, count: 40)
        return Data(bytes).base64EncodedString()
    }

    @Test("monotonic in content")
    func monotonic() {
        var previous = 0
        var s = ""
        for i in 0..<200 {
            s += i % 3 == 0 ? "word " : (i % 3 == 1 ? "日本 " : "{\"k\": 1} ")
            let e = estimate([user(text(s))])
            #expect(e >= previous)
            previous = e
        }
        #expect(estimate([user(text("a")), assistant(text("b"))]) > estimate([user(text("a"))]))
    }

    @Test("counts system (string, blocks and role: system messages)")
    func system() {
        let base = estimate([user(text("hi"))])
        #expect(estimate([user(text("hi"))], system: .text(String(repeating: "x", count: 400))) >= base + 100)
        #expect(estimate([user(text("hi"))], system: .blocks([TextBlock(text: String(repeating: "y", count: 400))])) >= base + 100)
        #expect(estimate([user(text("hi")), Message(role: .system, text: String(repeating: "z", count: 400))]) >= base + 100)
    }

    @Test("counts tool definitions: name, description and schema")
    func tools() {
        let base = estimate([user(text("hi"))])
        let schema: JSONValue = ["type": "object", "properties": ["command": ["type": "string", "description": .string(String(repeating: "d", count: 400))]]]
        let withTool = estimate([user(text("hi"))], tools: [Tool(name: "Bash", description: "Runs a command", inputSchema: schema)])
        #expect(withTool >= base + 100)
    }

    @Test("counts tool_use and tool_result content")
    func toolBlocks() {
        let base = estimate([user(text("q"))])
        let e = estimate([user(text("q")), assistant(toolUse("t", "Bash", ["command": .string(String(repeating: "a", count: 400))])),
                          user(toolResult("t", [text(String(repeating: "r", count: 400))]))])
        #expect(e >= base + 200)
    }

    @Test("images: width * height / 750 from the PNG header, capped; unknown sizes count 1600")
    func images() {
        let small = TokenEstimator.blockTokens(.image(ImageBlock(source: .base64(mediaType: "image/png", data: png(width: 200, height: 150)))))
        #expect(small == 40)
        let big = TokenEstimator.blockTokens(.image(ImageBlock(source: .base64(mediaType: "image/png", data: png(width: 4000, height: 3000)))))
        #expect(big == 1600)
        let jpeg = TokenEstimator.blockTokens(.image(ImageBlock(source: .base64(mediaType: "image/jpeg", data: "/9j/4AAQSkZJRgABAQ"))))
        #expect(jpeg == 1600)
        let url = TokenEstimator.blockTokens(.image(ImageBlock(source: .url("https://e.x/a.png"))))
        #expect(url == 1600)
        let garbage = TokenEstimator.blockTokens(.image(ImageBlock(source: .base64(mediaType: "image/png", data: "not base64 at all!"))))
        #expect(garbage == 1600)
        // An image inside a tool result counts too.
        #expect(TokenEstimator.blockTokens(toolResult("t", [.image(ImageBlock(source: .base64(mediaType: "image/png", data: png(width: 200, height: 150))))])) >= 40)
    }

    @Test("sane on the big fixtures: between bytes/6 and bytes/2", arguments: Fixtures.claudeCodeNames.filter { $0.hasPrefix("cc_") })
    func fixtures(name: String) throws {
        let bytes = try Fixtures.bodyData(name).count
        let e = TokenEstimator.estimate(try Fixtures.request(name))
        #expect(e >= bytes / 6 || bytes < 2000)
        #expect(e <= bytes / 2)
    }
}
