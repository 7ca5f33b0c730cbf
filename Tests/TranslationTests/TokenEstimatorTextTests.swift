import Testing
import Translation

@Suite("TokenEstimator.textTokens")
struct TokenEstimatorTextTests {
    /// The rule it implements: a quarter token per ASCII scalar, two thirds per other scalar.
    static func reference(_ text: String) -> Int {
        let ascii = text.unicodeScalars.filter(\.isASCII).count
        let other = text.unicodeScalars.count - ascii
        return (ascii + 3) / 4 + (other * 2 + 2) / 3
    }

    @Test("counts scalars the same way over the UTF-8 bytes", arguments: [
        "", "a", "hello world", "héllo wörld", "日本語のテキスト", "emoji 🎉🚀 and ascii", "mixed ÅΩж中𝄞 end",
        String(repeating: "x", count: 10_001), String(repeating: "ü", count: 333),
    ])
    func matchesScalarCount(text: String) {
        #expect(TokenEstimator.textTokens(text) == Self.reference(text))
    }

    @Test("four-byte scalars count once each")
    func fourByteScalars() {
        #expect(TokenEstimator.textTokens("🎉🎉🎉") == 2)  // 3 scalars: (3 * 2 + 2) / 3
    }
}
