import Synchronization

/// Runs `operations` at once and returns the first non-`nil` result; `nil` when all of them
/// give `nil` or the calling task is cancelled. The others are cancelled and not awaited:
/// an SDK request may not end on cancellation alone (its caller resumes it afterwards).
///
/// Hand-written because a task group waits for every child, which is what must not happen here.
func firstOf<T: Sendable>(_ operations: [@Sendable () async -> T?]) async -> T? {
    guard !operations.isEmpty else { return nil }
    let race = Race<T>(count: operations.count)
    return await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
            let done = race.state.withLock { state -> T?? in
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let done {
                continuation.resume(returning: done)
                return
            }
            let tasks = operations.map { operation in
                Task { race.finish(await operation(), final: true) }
            }
            let finished = race.state.withLock { state -> Bool in
                state.tasks = tasks
                return state.result != nil
            }
            if finished { for task in tasks { task.cancel() } }
        }
    } onCancel: {
        race.finish(nil, final: false)
    }
}

private final class Race<T: Sendable>: Sendable {
    struct State {
        var continuation: CheckedContinuation<T?, Never>?
        var result: T??
        var remaining: Int
        var tasks: [Task<Void, Never>] = []
    }
    let state: Mutex<State>
    init(count: Int) { state = Mutex(State(remaining: count)) }

    func finish(_ value: T?, final: Bool) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T?, Never>?, [Task<Void, Never>]) in
            if final { state.remaining -= 1 }
            guard state.result == nil, value != nil || state.remaining <= 0 || !final else { return (nil, []) }
            state.result = .some(value)
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(returning: value)
    }
}
