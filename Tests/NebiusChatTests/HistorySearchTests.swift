import Testing

@testable import Terminal

@Suite("Ctrl-R history search")
struct HistorySearchTests {
    let entries = ["first entry", "wait for it", "Something else", "multi\nline paste"]

    @Test("typing finds the newest entry containing the query, ignoring case")
    func typing() {
        var search = HistorySearch(entries: entries)
        #expect(search.match == nil)
        #expect(search.status(columns: 80) == "(history search)'': ")
        search.type("e")
        #expect(search.match == "multi\nline paste")
        search.type("l")
        #expect(search.match == "Something else")
        #expect(search.status(columns: 80) == "(history search)'el': Something else")
        search.type("s")
        #expect(search.match == "Something else")
        #expect(!search.failing)
    }

    @Test("Ctrl-R goes further back, and says when nothing older matches")
    func older() {
        var search = HistorySearch(entries: entries + ["wait for it"])
        // Each line once, where it was last used.
        #expect(search.entries == ["first entry", "Something else", "multi\nline paste", "wait for it"])
        search.type("i")
        #expect(search.match == "wait for it")
        search.older()
        #expect(search.match == "multi\nline paste")
        search.older()
        #expect(search.match == "Something else")
        search.older()
        #expect(search.match == "first entry")
        search.older()
        #expect(search.failing)
        #expect(search.match == "first entry")
        #expect(search.status(columns: 80) == "(history search, no older match)'i': first entry")
    }

    @Test("no match, backspace and Ctrl-U")
    func editing() {
        var search = HistorySearch(entries: entries)
        search.type("wz")
        #expect(search.failing)
        #expect(search.match == nil)
        #expect(search.status(columns: 80) == "(history search, no match)'wz': ")
        search.deleteBackward()
        #expect(search.match == "wait for it")
        #expect(!search.failing)
        search.clearQuery()
        #expect(search.query.isEmpty)
        #expect(search.match == nil)
        var empty = HistorySearch(entries: [])
        empty.type("x")
        empty.older()
        empty.deleteBackward()
        empty.deleteBackward()
        #expect(empty.match == nil)
    }

    @Test("the status fits one row: newlines shown as ↵, a long match cut around the query")
    func status() {
        var search = HistorySearch(entries: entries)
        search.type("paste")
        #expect(search.status(columns: 80) == "(history search)'paste': multi↵line paste")
        let long = String(repeating: "a", count: 200) + "needle" + String(repeating: "b", count: 200)
        var far = HistorySearch(entries: [long])
        far.type("needle")
        let line = far.status(columns: 60)
        #expect(line.count == 59)
        #expect(line.contains("needle"))
        #expect(line.hasPrefix("(history search)'needle': …"))
        #expect(line.hasSuffix("…"))
        #expect(far.status(columns: 10).count <= 9)
        #expect(far.status(columns: 0).isEmpty)
    }

    @Test("keys: control keys, escape sequences, UTF-8 text")
    func keys() {
        func key(_ bytes: [UInt8]) -> HistorySearchKey.Key {
            var rest = bytes.dropFirst()
            return HistorySearchKey.key(startingWith: bytes[0]) { rest.popFirst() }
        }
        #expect(key([0x12]) == .older)
        #expect(key([0x03]) == .cancel)
        #expect(key([0x07]) == .abort)
        #expect(key([0x0D]) == .accept)
        #expect(key([0x7F]) == .backspace)
        #expect(key([0x15]) == .clearQuery)
        #expect(key([0x1B]) == .leave([]))
        #expect(key([0x1B, 0x5B, 0x44]) == .leave([0x1B, 0x5B, 0x44]))  // Left
        #expect(key([0x1B, 0x5B, 0x33, 0x7E]) == .leave([0x1B, 0x5B, 0x33, 0x7E]))  // Delete
        #expect(key([0x09]) == .leave([0x09]))
        #expect(key(Array("é".utf8)) == .text("é"))
        #expect(key(Array("🙂".utf8)) == .text("🙂"))
        #expect(key([0x61]) == .text("a"))
    }
}
