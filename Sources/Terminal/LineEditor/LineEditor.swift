import CEditLine
import Foundation
import Synchronization
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one read at the prompt gave.
public enum LineInput: Sendable, Hashable {
    case line(String)
    /// Ctrl-C at the prompt: the line is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// The prompt, on libedit: history (kept in a file), Ctrl-R search, Tab completion, bracketed
/// paste, Ctrl-C that clears the line instead of killing the program.
///
/// libedit is not thread-safe and `readline()` blocks, so every libedit call runs on one serial
/// queue of its own; ``readLine(prompt:)`` suspends the caller without holding a thread of the
/// cooperative pool.
///
/// ```swift
/// let editor = LineEditor(historyPath: stateHome + "/nebius-chat/history", isTerminal: true)
/// while case .line(let text) = await editor.readLine(prompt: "> ") { ... }
/// ```
public final class LineEditor: Sendable {
    private let queue = DispatchQueue(label: "nebius-chat.line-editor")
    private let historyPath: String?
    private let isTerminal: Bool

    /// At most this many entries are kept in the history file.
    public static let historyLimit: Int32 = 2000

    public init(historyPath: String?, isTerminal: Bool, completer: LineCompleter = LineCompleter()) {
        self.historyPath = historyPath
        self.isTerminal = isTerminal
        editorState.withLock {
            $0.completer = completer
            $0.isTerminal = isTerminal
        }
        queue.sync { Self.setUp(historyPath: historyPath, isTerminal: isTerminal) }
    }

    /// Replaces what Tab completes (model ids arrive after start-up).
    public func updateCompleter(_ change: @Sendable (inout LineCompleter) -> Void) {
        editorState.withLock { change(&$0.completer) }
    }

    /// Reads one line (which may hold newlines from a bracketed paste).
    public func readLine(prompt: String) async -> LineInput {
        await withCheckedContinuation { continuation in
            queue.async { [isTerminal] in
                editorState.withLock {
                    $0.interrupted = false
                    $0.quietInterrupt = false
                    $0.promptWidth = PasteLayout.visibleWidth(ofPrompt: prompt)
                }
                if isTerminal {
                    // libedit's own SIGWINCH handling is off with its signal handling: take the
                    // terminal's size anew for each line instead.
                    rl_resize_terminal()
                    Self.writeRaw("\u{1B}[?2004h")
                }
                let raw = readline(prompt)
                if isTerminal { Self.writeRaw("\u{1B}[?2004l") }
                let (interrupted, quietly) = editorState.withLock { ($0.interrupted, $0.quietInterrupt) }
                defer { free(raw) }
                if interrupted {
                    // libedit leaves the cursor on the dropped line; show the key and move on
                    // (a cancelled history search leaves an empty row for the next prompt).
                    if isTerminal && !quietly { Self.writeRaw("^C\n") }
                    continuation.resume(returning: .interrupted)
                } else if let raw {
                    continuation.resume(returning: .line(String(cString: raw)))
                } else {
                    if isTerminal { Self.writeRaw("\n") }
                    continuation.resume(returning: .endOfInput)
                }
            }
        }
    }

    /// Adds an entry to the history and writes the history file at once, so that a crash
    /// loses nothing typed before it.
    public func addHistory(_ entry: String) {
        queue.async { [historyPath] in
            guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
            // Skip an immediate repeat, as shells do.
            let length = cel_history_length()
            if length > 0, let last = history_get(cel_history_base() + length - 1), let line = last.pointee.line,
               String(cString: line) == entry {
                return
            }
            add_history(entry)
            if let historyPath {
                write_history(historyPath)
                chmod(historyPath, 0o600)  // prompts are private
            }
        }
    }

    /// Waits until queued history writes are done.
    public func flush() {
        queue.sync {}
    }

    private static func setUp(historyPath: String?, isTerminal: Bool) {
        cel_set_readline_name("nebius-chat")
        // We own SIGINT: libedit's handler re-raises it to the whole process group.
        cel_set_catch_signals(0)
        cel_set_instream_stdin()
        cel_set_outstream_stdout()
        rl_initialize()
        using_history()
        stifle_history(historyLimit)
        if let historyPath {
            read_history(historyPath)
        }
        cel_set_attempted_completion_function(attemptCompletion)
        guard isTerminal else { return }
        cel_set_pre_input_hook(preInput)
        // Ctrl-C arrives as a key at the prompt (see preInput) and drops the line.
        rl_add_defun("nebius-interrupt", interruptKey, 3)
        // Bracketed paste: the terminal wraps a paste in ESC[200~ ... ESC[201~. rl_add_defun
        // binds a single key; bind the function to the whole start sequence instead and give
        // `~` back its normal meaning.
        rl_add_defun("nebius-bracketed-paste", pasteKey, Int32(UInt8(ascii: "~")))
        rl_parse_and_bind("bind ~ ed-insert")
        rl_parse_and_bind("bind ^[[200~ nebius-bracketed-paste")
        // Ctrl-R searches the history backwards, labelled, and Ctrl-C inside it cancels cleanly.
        rl_add_defun("nebius-history-search", historySearchKey, 0x12)
    }

    static func writeRaw(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress, $0.count) }
        bytes.removeAll()
    }
}
