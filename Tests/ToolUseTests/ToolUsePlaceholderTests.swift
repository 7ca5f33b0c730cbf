import Testing
@testable import ToolUse

@Suite struct ToolUsePlaceholderTests {
    @Test func builds() {}
}
