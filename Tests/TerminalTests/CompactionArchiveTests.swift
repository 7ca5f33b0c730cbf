import ClaudeAPI
import Foundation
import Testing
@testable import Terminal

/// Compaction keeps the turns it replaces: in the session's `archived` list (on disk), never in
/// a request again.
@Suite struct CompactionArchiveTests {
    func user(_ text: String) -> Message { Message(role: .user, content: [.text(TextBlock(text: text))]) }
    func assistant(_ text: String) -> Message { Message(role: .assistant, content: [.text(TextBlock(text: text))]) }

    func session(_ words: [String]) -> Session {
        Session(id: "a1", model: "m", created: Date(timeIntervalSince1970: 1_750_000_000),
                messages: words.flatMap { [user("\($0) question"), assistant("\($0) answer")] })
    }

    /// Every text a request sends, flattened.
    func texts(_ request: MessagesRequest) -> [String] {
        request.messages.flatMap { $0.content.compactMap { if case .text(let b) = $0 { b.text } else { nil } } }
    }

    @Test func theReplacedTurnsAreArchivedWithTimeAndSummaryAndNotSentAgain() throws {
        var s = session(["first", "second", "third"])
        let original = s.messages
        let split = try #require(Compaction.split(s.messages, keepExchanges: 2))
        let when = Date(timeIntervalSince1970: 1_750_000_600)
        Compaction.compact(&s, split: split, summary: "  SUMMARY: a first question.\n", now: when)

        #expect(s.archived == [CompactedTurns(compacted: when, summary: "SUMMARY: a first question.", messages: Array(original[..<2]))])
        #expect(Compaction.isSummary(s.messages[0]))
        #expect(Array(s.messages[2...]) == Array(original[2...]))
        #expect(s.updated == when)
        #expect(s.archivedTurns == 1)

        let sent = texts(Conversation(session: s).request(for: user("fourth question")))
        #expect(!sent.contains("first question") && !sent.contains("first answer"), "the archive is never sent")
        #expect(sent.contains { $0.contains("SUMMARY: a first question.") })
        #expect(Array(sent.dropFirst(2)) == ["second question", "second answer", "third question", "third answer", "fourth question"])
    }

    @Test func aSecondCompactionDoesNotArchiveTheFirstSummaryAndTheArchiveReadsInOrder() throws {
        var s = session(["one", "two", "three"])
        let everything = s.messages + [user("four question"), assistant("four answer"), user("five question"), assistant("five answer")]
        Compaction.compact(&s, split: try #require(Compaction.split(s.messages, keepExchanges: 2)), summary: "S1")
        s.messages += Array(everything[6...])
        let second = try #require(Compaction.split(s.messages, keepExchanges: 2))
        // The summary of the second compaction is asked from the visible history, not the archive.
        let older = Array(s.messages[..<second])
        let asked = Compaction.summaryRequest(older: older, model: "m", window: nil)
        let transcript = texts(asked).joined()
        #expect(transcript.contains("S1") && transcript.contains("two question") && !transcript.contains("one question"))
        Compaction.compact(&s, split: second, summary: "S2")

        #expect(s.archived.map(\.summary) == ["S1", "S2"])
        #expect(!s.archived[1].messages.contains(where: Compaction.isSummary))
        // Archive, then what follows the current summary exchange: the whole conversation.
        let replayed = s.archived.flatMap(\.messages) + s.messages.dropFirst(2)
        #expect(replayed == everything)
        #expect(s.archivedTurns == 3)
    }

    @Test func nothingOlderThanASummaryAddsNoEmptyArchiveEntry() {
        var s = Session(id: "a", model: "m", messages: Compaction.compacted(summary: "S", kept: [user("q"), assistant("a")]))
        Compaction.compact(&s, split: 2, summary: "S again")
        #expect(s.archived.isEmpty)
    }

    @Test func theArchiveIsSavedLoadedAndOldFilesWithoutItStillLoad() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path)
        var s = session(["first", "second", "third"])
        Compaction.compact(&s, split: 2, summary: "S", now: Date(timeIntervalSince1970: 1_750_000_600))
        try store.save(s)
        #expect(try store.load(id: "a1") == s)
        let data = try #require(FileManager.default.contents(atPath: store.path(for: "a1")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let archived = try #require(json["archived"] as? [[String: Any]])
        #expect(archived.first?["compacted"] as? String == "2025-06-15T15:16:40Z")
        #expect(archived.first?["summary"] as? String == "S")
        #expect((archived.first?["messages"] as? [[String: Any]])?.count == 2)

        // A file written before the archive existed.
        let old = #"{"version": 1, "model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]}"#
        try Data(old.utf8).write(to: URL(fileURLWithPath: store.path(for: "old")))
        let loaded = try #require(try store.load(id: "old"))
        #expect(loaded.archived.isEmpty && loaded.messages.count == 1)
    }

    @Test func aDamagedArchiveIsKeptAsideNotDroppedByTheNextSave() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path)
        let bad = #"{"model": "m", "messages": [], "archived": [{"summary": 3}]}"#
        try Data(bad.utf8).write(to: URL(fileURLWithPath: store.path(for: "bad")))
        #expect(throws: SessionLoadError.self) { _ = try store.load(id: "bad") }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(names.contains { $0.hasPrefix("bad.json.corrupt-") })
    }

    @Test func archiveListsEachCompactionWithItsTimeAndALineOrTwoPerMessage() throws {
        var s = session(["one", "two", "three"])
        Compaction.compact(&s, split: try #require(Compaction.split(s.messages, keepExchanges: 2)), summary: "S1",
                           now: Date(timeIntervalSince1970: 1_750_000_600))
        s.messages += [user("four question"), assistant("four answer\nline 2\nline 3")]
        Compaction.compact(&s, split: try #require(Compaction.split(s.messages, keepExchanges: 1)), summary: "S2",
                           now: Date(timeIntervalSince1970: 1_750_003_600))
        let listing = ArchiveLine.listing(s.archived)
        #expect(listing == [
            .heading("Compacted 2025-06-15T15:16:40Z: 1 exchange"),
            .prompt("one question"), .answer("one answer"),
            .heading("Compacted 2025-06-15T16:06:40Z: 2 exchanges"),
            .prompt("two question"), .answer("two answer"),
            .prompt("three question"), .answer("three answer"),
        ])
        #expect(SlashCommand.parse("/archive") == .archive)
        #expect(SlashCommand.catalogue.contains { $0.name == "/archive" })
    }

    @Test func archiveNamesToolCallsAndShortensLongAnswers() {
        let call = Message(role: .assistant, content: [.text(TextBlock(text: "Let me add.")),
                                                       .toolUse(ToolUseBlock(id: "t1", name: "mcp__calc__add", input: ["a": 1]))])
        let result = Message(role: .user, content: [.toolResult(ToolResultBlock(toolUseID: "t1", content: [.text(TextBlock(text: "3"))]))])
        let long = assistant("a\nb\nc")
        let entry = CompactedTurns(compacted: Date(timeIntervalSince1970: 0), summary: "S", messages: [user("add"), call, result, long])
        #expect(ArchiveLine.listing([entry]) == [
            .heading("Compacted 1970-01-01T00:00:00Z: 1 exchange"),
            .prompt("add"), .answer("Let me add. [called mcp__calc__add]"), .prompt("[tool result]"), .answer("a\nb …"),
        ])
    }
}
