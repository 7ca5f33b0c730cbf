import Testing
@testable import Translation

@Suite("ToolNameMap (PROTOCOL 2.7)")
struct ToolNameMapTests {
    @Test("2.7 names of up to 64 characters are kept as they are")
    func short() {
        var map = ToolNameMap()
        for name in ["Bash", "mcp__github__create_pull_request", String(repeating: "x", count: 64)] {
            #expect(map.upstreamName(for: name) == name)
            #expect(map.clientName(for: name) == name)
        }
    }

    @Test("2.7 longer names are shortened to <= 64, deterministically and reversibly")
    func long() {
        var map = ToolNameMap()
        let a = String(repeating: "a", count: 60) + "_first_tool"
        let b = String(repeating: "a", count: 60) + "_second_tool"
        let sa = map.upstreamName(for: a)
        let sb = map.upstreamName(for: b)
        #expect(sa.utf8.count <= 64 && sb.utf8.count <= 64)
        #expect(sa != sb)
        #expect(map.clientName(for: sa) == a)
        #expect(map.clientName(for: sb) == b)
        var other = ToolNameMap()
        #expect(other.upstreamName(for: a) == sa)
        #expect(sa.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
    }

    @Test("2.7 names with multi-byte characters stay within 64 bytes")
    func multibyte() {
        var map = ToolNameMap()
        let name = String(repeating: "é", count: 40)
        let short = map.upstreamName(for: name)
        #expect(short.utf8.count <= 64)
        #expect(map.clientName(for: short) == name)
    }
}
