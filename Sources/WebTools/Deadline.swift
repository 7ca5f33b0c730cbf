/// Runs `operation`, giving up after `seconds` with `onTimeout()`'s error.
func withTimeLimit<T: Sendable>(
    _ seconds: Double, onTimeout: @escaping @Sendable () -> any Error, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int64(max(0.001, seconds) * 1000)))
            throw onTimeout()
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw onTimeout() }
        return first
    }
}
