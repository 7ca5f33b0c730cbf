import ClaudeAPI
import Foundation
import Testing
@testable import Terminal

@Suite struct SessionStoreTests {
    func sample(id: String = "s1", updated: Date = Date(timeIntervalSince1970: 1_750_000_000)) -> Session {
        var session = Session(id: id, model: "zai-org/GLM-4.7-FP8", system: "Be brief.", created: Date(timeIntervalSince1970: 1_750_000_000))
        session.messages = [Message(role: .user, text: "hello"), Message(role: .assistant, text: "Hi!")]
        session.updated = updated
        session.usage.record(model: "zai-org/GLM-4.7-FP8", usage: Usage(inputTokens: 10, outputTokens: 2))
        return session
    }

    @Test func saveThenResumeGivesTheSameSession() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path + "/nested/sessions")
        let session = sample()
        try store.save(session)
        let loaded = try store.load(id: "s1")
        #expect(loaded == session)
    }

    @Test func fileIsClaudeFormatJSONWithMetadata() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path)
        try store.save(sample())
        let data = try #require(FileManager.default.contents(atPath: store.path(for: "s1")))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["model"] as? String == "zai-org/GLM-4.7-FP8")
        #expect(json["system"] as? String == "Be brief.")
        #expect(json["created"] as? String == "2025-06-15T15:06:40Z")
        #expect(json["updated"] != nil)
        let messages = try #require(json["messages"] as? [[String: Any]])
        #expect(messages.first?["role"] as? String == "user")
        let content = try #require(messages.first?["content"] as? [[String: Any]])
        #expect(content.first?["type"] as? String == "text")
        #expect(content.first?["text"] as? String == "hello")
    }

    @Test func writeIsAtomicAndPrivate() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path)
        var session = sample()
        try store.save(session)
        session.messages.append(Message(role: .user, text: "more"))
        try store.save(session)
        // Only the final file: no temporary left behind.
        #expect(dir.files == ["s1.json"])
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path(for: "s1"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try store.load(id: "s1")?.messages.count == 3)
    }

    @Test func aStaleTemporaryFileFromACrashIsIgnored() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path)
        try store.save(sample())
        dir.write(".s1.json.tmp-999", text: "{\"half")
        #expect(try store.load(id: "s1") == sample())
        #expect(store.list().map(\.id) == ["s1"])
    }

    @Test func missingSessionIsNil() throws {
        let dir = try TemporaryDirectory()
        #expect(try SessionStore(directory: dir.path).load(id: "nope") == nil)
    }

    @Test func corruptFileIsKeptAsideNeverOverwritten() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path)
        let garbage = "{\"messages\": [tru"
        dir.write("s1.json", text: garbage)
        do {
            _ = try store.load(id: "s1")
            Issue.record("a corrupt file must not load")
        } catch {
            guard case .corrupt(let path, _, let keptAs?) = error else {
                Issue.record("expected .corrupt with a kept-aside path, got \(error)")
                return
            }
            #expect(path == store.path(for: "s1"))
            #expect(keptAs.hasPrefix(store.path(for: "s1") + ".corrupt-"))
            #expect(String(decoding: FileManager.default.contents(atPath: keptAs) ?? Data(), as: UTF8.self) == garbage)
            #expect(error.description.contains("is damaged"))
            #expect(error.description.contains("kept unchanged as \(keptAs)"))
        }
        // The name is free again: saving there cannot touch the damaged copy.
        #expect(!FileManager.default.fileExists(atPath: store.path(for: "s1")))
        try store.save(sample())
        #expect(dir.files.count == 2)

        // A second damaged file in the same second gets another name.
        dir.write("s1.json", text: "also bad")
        #expect(throws: SessionLoadError.self) { try store.load(id: "s1") }
        let kept = dir.files.filter { $0.contains(".corrupt-") }
        #expect(kept.count == 2)
        let contents = Set(kept.map { String(decoding: FileManager.default.contents(atPath: dir.path + "/" + $0)!, as: UTF8.self) })
        #expect(contents == [garbage, "also bad"])
    }

    @Test func wrongShapeIsCorruptToo() throws {
        let dir = try TemporaryDirectory()
        dir.write("s2.json", text: #"{"id": "s2", "model": 3}"#)
        #expect(throws: SessionLoadError.self) { try SessionStore(directory: dir.path).load(id: "s2") }
    }

    @Test func missingOrOddMetadataStillLoads() throws {
        let dir = try TemporaryDirectory()
        dir.write("old.json", text: #"{"model": "m", "messages": [{"role": "user", "content": "hi"}], "usage": {"byModel": 3}}"#)
        let session = try #require(try SessionStore(directory: dir.path).load(id: "old"))
        #expect(session.messages == [Message(role: .user, text: "hi")])
        #expect(session.usage == UsageLedger())
        #expect(session.id == "old")
        #expect(session.system == nil)
    }

    @Test func listIsNewestFirstAndMostRecentIsFirst() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path)
        try store.save(sample(id: "old", updated: Date(timeIntervalSince1970: 1_000)))
        try store.save(sample(id: "new", updated: Date(timeIntervalSince1970: 2_000)))
        try store.save(sample(id: "mid", updated: Date(timeIntervalSince1970: 1_500)))
        #expect(store.list().map(\.id) == ["new", "mid", "old"])
        #expect(store.mostRecentID() == "new")
        #expect(store.list().first?.title == "hello")
        #expect(store.list().first?.turns == 1)
    }

    @Test func newIDsAreTimeAndARandomSuffix() throws {
        let dir = try TemporaryDirectory()
        let store = SessionStore(directory: dir.path)
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        let ids = Set((0..<20).map { _ in store.newID(now: now) })
        #expect(ids.count > 15)
        for id in ids {
            #expect(id.hasPrefix("20250615-150640-"))
            #expect(id.count == "20250615-150640-abcd".count)
            #expect(SessionStore.isValidName(id))
        }
    }

    @Test func sessionNames() {
        #expect(SessionStore.isValidName("work-2025_a.b"))
        #expect(!SessionStore.isValidName(""))
        #expect(!SessionStore.isValidName("../etc"))
        #expect(!SessionStore.isValidName("a/b"))
        #expect(!SessionStore.isValidName(".hidden"))
        #expect(!SessionStore.isValidName("with space"))
    }
}
