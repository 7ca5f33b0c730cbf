import Dispatch
import Synchronization
import ToolUse

/// What to do with one tool call the model asked for.
public enum ToolDecision: Sendable, Hashable {
    /// Run it. `announced`: the question already showed the call, so no extra line is needed.
    case run(announced: Bool)
    /// Do not run it; the model is told the user declined.
    case decline
    /// Ctrl-C at the question: stop the whole turn.
    case stop
}

/// Decides whether a tool call runs: the terminal asks, `--yes` does not.
public protocol ToolApproving: Sendable {
    /// `summary` is the one-line form of the call: `calc.add {"a":2,"b":40}`.
    func decide(_ tool: MCPToolName, summary: String) async -> ToolDecision
}

/// What the user allowed in this session: every call (`/tools auto`, `--yes`), or some tools
/// (`a` at the question). Shared by the chat and its approver; a value behind a lock.
public final class ToolPermissions: Sendable {
    private struct State {
        var auto: Bool
        var always: Set<String> = []
    }
    private let state: Mutex<State>

    public init(auto: Bool = false) {
        state = Mutex(State(auto: auto))
    }

    public var auto: Bool {
        get { state.withLock { $0.auto } }
        set { state.withLock { $0.auto = newValue } }
    }

    /// Whether `tool` runs without a question.
    public func allows(_ tool: MCPToolName) -> Bool {
        state.withLock { $0.auto || $0.always.contains(tool.qualified) }
    }

    /// `a` at the question: this tool runs without asking for the rest of the session.
    public func allowAlways(_ tool: MCPToolName) {
        _ = state.withLock { $0.always.insert(tool.qualified) }
    }

    /// The tools allowed with `a`, as `calc.add`.
    public var alwaysAllowed: [String] {
        state.withLock { Array($0.always).sorted() }
    }

    /// The answer typed at `Run calc.add {...}? [y/N/a]`: `y`/`yes` runs, `a`/`always` runs
    /// and stops asking for this tool, anything else (Enter included) declines.
    public enum Answer: Sendable, Hashable { case yes, always, no }

    public static func parse(_ answer: String) -> Answer {
        switch answer.trimmingWhitespace().lowercased() {
        case "y", "yes": return .yes
        case "a", "always": return .always
        default: return .no
        }
    }
}

/// Runs every call without asking (`--yes`).
public struct ApproveAll: ToolApproving {
    public init() {}
    public func decide(_ tool: MCPToolName, summary: String) async -> ToolDecision { .run(announced: false) }
}

/// Asks on the terminal (`Run calc.add {"a":2,"b":40}? [y/N/a]`); declines (saying why) when
/// there is no terminal to ask on.
public struct TerminalToolApprover: ToolApproving {
    /// Shows the prompt and reads the answer: the chat's line editor, or stderr and stdin for `ask`.
    public typealias Question = @Sendable (_ prompt: String) async -> LineInput

    public var permissions: ToolPermissions
    public var question: Question?
    public var output: TextOutput
    public var style: TerminalStyle

    public init(permissions: ToolPermissions, question: Question?, output: TextOutput, style: TerminalStyle) {
        self.permissions = permissions
        self.question = question
        self.output = output
        self.style = style
    }

    /// The chat's question: the line editor (which makes Ctrl-C a key that stops the turn).
    public static func lineEditor(_ editor: LineEditor, style: TerminalStyle) -> Question {
        { prompt in await editor.readLine(prompt: style.promptSafe(prompt)) }
    }

    /// `ask`'s question: the prompt on stderr, the answer from stdin (a terminal). Ctrl-C
    /// (cancelling the turn) ends the wait at once, as `.interrupted`.
    public static let standardStreams: Question = { prompt in
        TextOutput.standardError.write(prompt)
        let answer = PendingAnswer()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                answer.wait(continuation)
                DispatchQueue.global().async {
                    answer.give(Swift.readLine().map { .line($0) } ?? .endOfInput)
                }
            }
        } onCancel: {
            answer.give(.interrupted)
        }
    }

    public func decide(_ tool: MCPToolName, summary: String) async -> ToolDecision {
        if permissions.allows(tool) { return .run(announced: false) }
        guard let question else {
            output.line(style.yellow("[\(summary) not run: there is no terminal to ask on; --yes or /tools auto runs tools]"))
            return .decline
        }
        switch await question("Run \(style.bold(summary))? [y/N/a] ") {
        case .interrupted, .endOfInput:
            return .stop
        case .line(let answer):
            switch ToolPermissions.parse(answer) {
            case .yes: return .run(announced: true)
            case .always:
                permissions.allowAlways(tool)
                return .run(announced: true)
            case .no: return .decline
            }
        }
    }
}

/// One answer handed to one waiting continuation, whichever comes first.
private final class PendingAnswer: Sendable {
    private struct State {
        var continuation: CheckedContinuation<LineInput, Never>?
        var answer: LineInput?
    }
    private let state = Mutex(State())

    func wait(_ continuation: CheckedContinuation<LineInput, Never>) {
        let ready = state.withLock { state -> LineInput? in
            if let answer = state.answer { return answer }
            state.continuation = continuation
            return nil
        }
        if let ready { continuation.resume(returning: ready) }
    }

    func give(_ answer: LineInput) {
        let waiting = state.withLock { state -> CheckedContinuation<LineInput, Never>? in
            guard state.answer == nil else { return nil }
            state.answer = answer
            defer { state.continuation = nil }
            return state.continuation
        }
        waiting?.resume(returning: answer)
    }
}
