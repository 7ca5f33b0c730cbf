import Testing
@testable import WebTools

@Suite struct WebToolsPlaceholderTests {
    @Test func builds() {}
}
