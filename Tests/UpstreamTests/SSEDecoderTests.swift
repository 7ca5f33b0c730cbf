import Foundation
import OpenAIAPI
import ServerSentEvents
import Testing
import Upstream

@Suite struct SSEDecoderTests {
    /// Decodes `text` pushed in one piece, then finishes.
    func decode(_ text: String) -> [SSEDecoder.Event] {
        var decoder = SSEDecoder()
        return decoder.push(Array(text.utf8)) + decoder.finish()
    }

    /// Decodes `bytes` pushed in pieces of the given sizes (cycled), then finishes.
    func decode(_ bytes: [UInt8], pieces sizes: [Int]) -> [SSEDecoder.Event] {
        var decoder = SSEDecoder()
        var events: [SSEDecoder.Event] = []
        var offset = 0
        var i = 0
        while offset < bytes.count {
            let n = min(max(1, sizes[i % sizes.count]), bytes.count - offset)
            events += decoder.push(bytes[offset..<offset + n])
            offset += n
            i += 1
        }
        return events + decoder.finish()
    }

    @Test func oneEventPerBlankLine() {
        let events = decode("data: one\n\ndata: two\n\n")
        #expect(events.map(\.data) == ["one", "two"])
    }

    @Test func eventsAreDispatchedAtTheBlankLineNotBefore() {
        var decoder = SSEDecoder()
        #expect(decoder.push(Array("data: one\n".utf8)).isEmpty)
        #expect(decoder.push(Array("\n".utf8)).map(\.data) == ["one"])
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func lineEndings(_ end: String) {
        let text = "data: a\(end)\(end): comment\(end)data: b\(end)data: c\(end)\(end)"
        #expect(decode(text).map(\.data) == ["a", "b\nc"])
    }

    @Test func crlfSplitBetweenPushesEndsOneLine() {
        var decoder = SSEDecoder()
        var events = decoder.push(Array("data: x\r".utf8))
        events += decoder.push(Array("\n\r".utf8))
        events += decoder.push(Array("\ndata: y\r\n\r\n".utf8))
        #expect(events.map(\.data) == ["x", "y"])
    }

    @Test func commentsAndUnknownFieldsAreIgnored() {
        let events = decode(": keep-alive\n\nid: 7\nretry: 1000\nfoo: bar\ndata: payload\n\n")
        #expect(events.map(\.data) == ["payload"])
    }

    @Test func anEventWithoutDataIsDropped() {
        #expect(decode("event: ping\n\n: only a comment\n\n").isEmpty)
    }

    @Test func eventNameIsKept() {
        let events = decode("event: message_start\ndata: {}\n\ndata: x\n\n")
        #expect(events == [SSEDecoder.Event(event: "message_start", data: "{}"), SSEDecoder.Event(data: "x")])
    }

    @Test func onlyOneLeadingSpaceIsStripped() {
        #expect(decode("data:x\n\ndata:  y\n\ndata\n\n").map(\.data) == ["x", " y", ""])
    }

    @Test func multiLineDataIsJoinedWithNewlines() {
        #expect(decode("data: {\"a\":\ndata: 1}\n\n").map(\.data) == ["{\"a\":\n1}"])
    }

    @Test func doneIsAnOrdinaryPayload() {
        #expect(decode("data: {}\n\ndata: [DONE]\n\n").map(\.data) == ["{}", "[DONE]"])
    }

    @Test func finalEventWithoutBlankLineComesFromFinish() {
        var decoder = SSEDecoder()
        #expect(decoder.push(Array("data: a\n\ndata: last\n".utf8)).map(\.data) == ["a"])
        #expect(decoder.finish().map(\.data) == ["last"])
    }

    @Test func finalLineWithoutLineEndComesFromFinish() {
        var decoder = SSEDecoder()
        #expect(decoder.push(Array("data: [DONE]".utf8)).isEmpty)
        #expect(decoder.finish().map(\.data) == ["[DONE]"])
        #expect(decoder.finish().isEmpty)
    }

    @Test func byteOrderMarkIsIgnored() {
        #expect(decode("\u{FEFF}data: a\n\n").map(\.data) == ["a"])
    }

    @Test func multiByteCharactersSplitAcrossPushes() {
        let bytes = Array("data: héllo 🌍 wörld\n\n".utf8)
        for size in 1...5 {
            #expect(decode(bytes, pieces: [size]).map(\.data) == ["héllo 🌍 wörld"])
        }
    }

    // MARK: Real upstream captures

    /// An independent splitter for the fixtures (blank-line separated, `data: ` prefixed lines).
    func referencePayloads(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n").compactMap { block in
            let lines = block.split(separator: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
            return lines.isEmpty ? nil : lines.joined(separator: "\n")
        }
    }

    @Test(arguments: Fixtures.upstreamSSENames())
    func fixtureFedByteByByte(_ name: String) throws {
        let bytes = try Fixtures.bytes("upstream/" + name)
        let expected = referencePayloads(bytes)
        #expect(expected.count > 3)
        #expect(expected.last == "[DONE]")
        #expect(decode(bytes, pieces: [1]).map(\.data) == expected)
        #expect(decode(bytes, pieces: [bytes.count]).map(\.data) == expected)
        #expect(decode(bytes, pieces: [7, 1, 64, 3, 500]).map(\.data) == expected)
        // Every payload but [DONE] is a chunk.
        for payload in expected.dropLast() {
            #expect(throws: Never.self) { try JSONDecoder().decode(ChatChunk.self, from: Data(payload.utf8)) }
        }
    }

    @Test(arguments: Fixtures.upstreamSSENames())
    func fixtureWithCRLFLineEnds(_ name: String) throws {
        let bytes = try Fixtures.bytes("upstream/" + name)
        let expected = referencePayloads(bytes)
        let crlf = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        #expect(decode(crlf, pieces: [1]).map(\.data) == expected)
        #expect(decode(crlf, pieces: [2, 5, 1]).map(\.data) == expected)
    }

    @Test func fixturesArePresent() {
        #expect(Fixtures.upstreamSSENames().count >= 2, "fixtures not found under \(Fixtures.directory.path)")
    }
}
