import ClaudeAPI
import Upstream
import Testing
@testable import Terminal

@Suite struct UsageLedgerTests {
    let glm = CatalogueModel.Price(inputPerMillion: 0.4, outputPerMillion: 2.0)

    @Test func costArithmetic() {
        // 1M in at $0.40 + 500k out at $2.00 = $1.40
        #expect(abs(glm.cost(input: 1_000_000, output: 500_000) - 1.4) < 1e-9)
        #expect(glm.cost(input: 0, output: 0) == 0)
    }

    @Test func ledgerAddsUpPerModelWithCacheReadsAsInput() {
        var ledger = UsageLedger()
        ledger.record(model: "a", usage: Usage(inputTokens: 100, outputTokens: 10, cacheReadInputTokens: 50))
        ledger.record(model: "a", usage: Usage(inputTokens: 200, outputTokens: 20))
        ledger.record(model: "b", usage: Usage(inputTokens: 1, outputTokens: 2))
        #expect(ledger.byModel["a"]?.inputTokens == 350)
        #expect(ledger.byModel["a"]?.outputTokens == 30)
        #expect(ledger.byModel["a"]?.requests == 2)
        #expect(ledger.inputTokens == 351)
        #expect(ledger.outputTokens == 32)
    }

    @Test func costNeedsEveryPrice() {
        var ledger = UsageLedger()
        ledger.record(model: "a", usage: Usage(inputTokens: 1_000_000, outputTokens: 1_000_000))
        #expect(ledger.cost(prices: [:]) == nil)
        let cost = ledger.cost(prices: ["a": glm])
        #expect(cost.map { abs($0 - 2.4) < 1e-9 } == true)
        ledger.record(model: "b", usage: Usage(inputTokens: 1, outputTokens: 1))
        #expect(ledger.cost(prices: ["a": glm]) == nil)
    }

    @Test func summaryLines() {
        var ledger = UsageLedger()
        #expect(ledger.summary(prices: [:]) == ["No tokens used yet in this conversation."])
        ledger.record(model: "zai-org/GLM-4.7-FP8", usage: Usage(inputTokens: 12_345, outputTokens: 678))
        #expect(ledger.summary(prices: ["zai-org/GLM-4.7-FP8": glm]) == [
            "zai-org/GLM-4.7-FP8: 12,345 in, 678 out, 1 request, $0.006294",
            "total: 12,345 in, 678 out, $0.006294",
        ])
        // The total names the model that has no price.
        #expect(ledger.summary(prices: [:]).last == "total: 12,345 in, 678 out (cost unknown: the catalogue gives no price for zai-org/GLM-4.7-FP8)")
    }

    @Test func formatting() {
        #expect(UsageLedger.count(0) == "0")
        #expect(UsageLedger.count(999) == "999")
        #expect(UsageLedger.count(1000) == "1,000")
        #expect(UsageLedger.count(1_234_567) == "1,234,567")
        #expect(UsageLedger.dollars(0) == "$0.00")
        #expect(UsageLedger.dollars(0.000123) == "$0.000123")
        #expect(UsageLedger.dollars(0.0123) == "$0.0123")
        #expect(UsageLedger.dollars(12.345) == "$12.35")
        #expect(UsageLedger.fixed(2.05, digits: 1) == "2.1" || UsageLedger.fixed(2.05, digits: 1) == "2.0")
        #expect(UsageLedger.fixed(0.5, digits: 3) == "0.500")
    }

    @Test func usageLine() {
        let line = UsageLine.format(model: "openai/gpt-oss-20b", usage: Usage(inputTokens: 1200, outputTokens: 34, cacheReadInputTokens: 34),
                                    seconds: 2.04, cost: 0.00012)
        #expect(line == "openai/gpt-oss-20b · 1,234 in · 34 out · 2.0s · $0.000120")
        #expect(UsageLine.format(model: "m", usage: Usage(), seconds: 0, cost: nil) == "m · 0 in · 0 out · 0.0s")
    }
}
