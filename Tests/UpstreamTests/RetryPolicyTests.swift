import Foundation
import Testing
import Upstream

@Suite struct RetryPolicyTests {
    @Test(arguments: [429, 500, 502, 503, 504])
    func retryableStatuses(_ status: Int) {
        #expect(RetryPolicy.isRetryable(status: status))
    }

    @Test(arguments: [200, 400, 401, 402, 403, 404, 408, 413, 422, 501, 529])
    func statusesNeverRetried(_ status: Int) {
        #expect(!RetryPolicy.isRetryable(status: status))
        #expect(!RetryPolicy(maxRetries: 5).shouldRetry(status: status, attempt: 0))
    }

    @Test func retriesStopAtMaxRetries() {
        let policy = RetryPolicy(maxRetries: 2)
        #expect(policy.shouldRetry(status: 503, attempt: 0))
        #expect(policy.shouldRetry(status: 503, attempt: 1))
        #expect(!policy.shouldRetry(status: 503, attempt: 2))
        #expect(policy.shouldRetryConnectFailure(attempt: 1))
        #expect(!policy.shouldRetryConnectFailure(attempt: 2))
        #expect(!RetryPolicy(maxRetries: 0).shouldRetry(status: 429, attempt: 0))
        #expect(RetryPolicy(maxRetries: -3).maxRetries == 0)
    }

    @Test func backoffDoublesWithEqualJitter() {
        let policy = RetryPolicy(maxRetries: 5, baseDelay: 1, maxDelay: 100)
        // Half fixed, half random.
        #expect(policy.delay(attempt: 0, retryAfter: nil, unitRandom: 0) == 0.5)
        #expect(policy.delay(attempt: 0, retryAfter: nil, unitRandom: 1) == 1)
        #expect(policy.delay(attempt: 1, retryAfter: nil, unitRandom: 0) == 1)
        #expect(policy.delay(attempt: 1, retryAfter: nil, unitRandom: 0.5) == 1.5)
        #expect(policy.delay(attempt: 3, retryAfter: nil, unitRandom: 1) == 8)
    }

    @Test func backoffIsCapped() {
        let policy = RetryPolicy(maxRetries: 50, baseDelay: 1, maxDelay: 10)
        #expect(policy.delay(attempt: 10, retryAfter: nil, unitRandom: 1) == 10)
        #expect(policy.delay(attempt: 10, retryAfter: nil, unitRandom: 0) == 5)
        #expect(policy.delay(attempt: 1000, retryAfter: nil, unitRandom: 0.5) == 7.5)
    }

    @Test func randomSourceOutOfRangeIsClamped() {
        let policy = RetryPolicy(maxRetries: 1, baseDelay: 2, maxDelay: 10)
        #expect(policy.delay(attempt: 0, retryAfter: nil, unitRandom: -1) == 1)
        #expect(policy.delay(attempt: 0, retryAfter: nil, unitRandom: 7) == 2)
    }

    @Test func retryAfterWinsAndIsCapped() {
        let policy = RetryPolicy(maxRetries: 2, baseDelay: 1, maxDelay: 10)
        #expect(policy.delay(attempt: 0, retryAfter: 3, unitRandom: 0.9) == 3)
        #expect(policy.delay(attempt: 0, retryAfter: 0, unitRandom: 0.9) == 0)
        #expect(policy.delay(attempt: 1, retryAfter: 120, unitRandom: 0.9) == 10)
    }

    @Test func aRetryAfterOverTheCapIsNotRetried() {
        let policy = RetryPolicy(maxRetries: 2, maxDelay: 10)
        #expect(policy.shouldRetry(status: 429, attempt: 0, retryAfter: 10))
        #expect(!policy.shouldRetry(status: 429, attempt: 0, retryAfter: 10.5))
        #expect(!policy.shouldRetry(status: 503, attempt: 0, retryAfter: 120))
        #expect(policy.shouldRetry(status: 503, attempt: 0, retryAfter: nil))
    }

    @Test func retryAfterInSeconds() {
        #expect(RetryPolicy.parseRetryAfter("3") == 3)
        #expect(RetryPolicy.parseRetryAfter(" 1.5 ") == 1.5)
        #expect(RetryPolicy.parseRetryAfter("0") == 0)
        #expect(RetryPolicy.parseRetryAfter("-4") == 0)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.parseRetryAfter("") == nil)
    }

    @Test func retryAfterAsHTTPDate() {
        // 2015-10-21T07:28:00Z
        let now = Date(timeIntervalSince1970: 1_445_412_480 - 30)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 30)
        // A date in the past means "now".
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == 0)
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: Date(timeIntervalSince1970: 784_111_777)) == 0)
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: Date(timeIntervalSince1970: 784_111_770)) == 7)
        // Leap day.
        #expect(RetryPolicy.parseRetryAfter("Thu, 29 Feb 2024 00:00:10 GMT", now: Date(timeIntervalSince1970: 1_709_164_800)) == 10)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Foo 2015 07:28:00 GMT", now: now) == nil)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 25:28:00 GMT", now: now) == nil)
    }
}
