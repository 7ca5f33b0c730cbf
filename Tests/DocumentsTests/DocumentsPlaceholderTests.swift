import Testing
@testable import Documents

@Suite struct DocumentsPlaceholderTests {
    @Test func builds() {}
}
