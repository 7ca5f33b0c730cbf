#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// When and how long to wait before retrying an upstream request. Pure: the random part and
/// the clock are passed in.
///
/// Retries happen only before the first byte went to the client, on connect errors and on
/// 429, 500, 502, 503, 504; never on 400, 401, 403, 404 or any other status. The wait is
/// exponential with "equal jitter" (half fixed, half random), or what `Retry-After` asks,
/// capped at ``maxDelay`` either way. A `Retry-After` longer than ``maxDelay`` is not waited
/// for: the answer goes to the client with its `retry-after`, so that the client (Claude Code
/// retries on its own) decides, instead of a request held open for minutes.
///
/// ```swift
/// let policy = RetryPolicy(maxRetries: 2, maxDelay: 10)
/// if policy.shouldRetry(status: 503, attempt: 0) {
///     let wait = policy.delay(attempt: 0, retryAfter: nil, unitRandom: Double.random(in: 0..<1))
/// }
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (so at most `maxRetries + 1` requests).
    public var maxRetries: Int
    /// The wait before the first retry, before jitter; doubles with each retry.
    public var baseDelay: Double
    /// Upper bound of one wait, `Retry-After` included.
    public var maxDelay: Double

    public init(maxRetries: Int, baseDelay: Double = 0.5, maxDelay: Double = 10) {
        self.maxRetries = max(0, maxRetries)
        self.baseDelay = max(0, baseDelay)
        self.maxDelay = max(0, maxDelay)
    }

    /// Statuses worth another try: rate limits and server-side trouble.
    public static func isRetryable(status: Int) -> Bool {
        [429, 500, 502, 503, 504].contains(status)
    }

    /// Whether attempt number `attempt` (0 = the first request) that failed with `status`, and
    /// asked to wait `retryAfter` seconds, may be retried.
    public func shouldRetry(status: Int, attempt: Int, retryAfter: Double? = nil) -> Bool {
        Self.isRetryable(status: status) && attempt < maxRetries && (retryAfter ?? 0) <= maxDelay
    }

    /// Whether attempt `attempt` that could not connect may be retried.
    public func shouldRetryConnectFailure(attempt: Int) -> Bool {
        attempt < maxRetries
    }

    /// Seconds to wait after failed attempt `attempt` (0-based).
    ///
    /// - Parameters:
    ///   - retryAfter: seconds the upstream asked for, if any; wins over the backoff.
    ///   - unitRandom: a random number in `0..<1` (injected so that tests are exact).
    public func delay(attempt: Int, retryAfter: Double?, unitRandom: Double) -> Double {
        if let retryAfter {
            return min(max(0, retryAfter), maxDelay)
        }
        let exponential = baseDelay * Double(1 << max(0, min(attempt, 30)))
        let capped = min(exponential, maxDelay)
        let random = min(max(unitRandom, 0), 1)
        return capped / 2 + capped / 2 * random
    }

    /// Seconds from a `Retry-After` value: delta seconds (`"3"`, also `"1.5"`) or an HTTP date
    /// (`"Wed, 21 Oct 2015 07:28:00 GMT"`, relative to `now`). `nil` when it is neither.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let trimmed = String(value.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        if let seconds = Double(trimmed), seconds.isFinite {
            return max(0, seconds)
        }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}

/// The IMF-fixdate of RFC 9110 (`Sun, 06 Nov 1994 08:49:37 GMT`), parsed without a
/// `DateFormatter` (which would pull in ICU).
enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        // "Sun, 06 Nov 1994 08:49:37 GMT": the weekday is not checked.
        var parts = text.split(separator: " ").map(String.init)
        if let first = parts.first, first.hasSuffix(",") { parts.removeFirst() }
        guard parts.count == 5, parts[4].uppercased() == "GMT" || parts[4].uppercased() == "UTC",
            let day = Int(parts[0]), (1...31).contains(day),
            let monthIndex = months.firstIndex(of: parts[1].lowercased()),
            let year = Int(parts[2]), year >= 1970
        else { return nil }
        let time = parts[3].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3, (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2]) else {
            return nil
        }
        let days = daysFromCivil(year: year, month: monthIndex + 1, day: day)
        let seconds = days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
