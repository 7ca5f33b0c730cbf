import Testing
@testable import ToolUse

@Suite struct MCPToolNameTests {
    @Test func namesFollowClaudeCode() {
        #expect(MCPToolName(server: "calc", tool: "add").qualified == "mcp__calc__add")
        #expect(MCPToolName(server: "calc", tool: "add").display == "calc.add")
    }

    @Test func charactersToolNamesMayNotHoldBecomeUnderscores() {
        #expect(MCPToolName(server: "my docs", tool: "search.v2").qualified == "mcp__my_docs__search_v2")
        #expect(MCPToolName(server: "é-x", tool: "a/b").qualified == "mcp___-x__a_b")
    }
}
