import CEditLine
import Foundation
import Synchronization

// MARK: - libedit callbacks
//
// C callbacks capture nothing, so what they need lives in this global, behind a lock.

struct EditorState: Sendable {
    var completer = LineCompleter()
    var isTerminal = false
    var interrupted = false
    /// The interrupt came from Ctrl-C in a history search, which has cleared its row already.
    var quietInterrupt = false
    var promptWidth = 0
    var candidates: [String] = []
    var nextCandidate = 0
}

let editorState = Mutex(EditorState())

/// Runs before each line is read: libedit sets the terminal up anew for every `readline()`,
/// so turn off signal keys each time, making Ctrl-C a key we bind.
let preInput: @convention(c) () -> Int32 = {
    rl_parse_and_bind("setty -d -isig")
    return 0
}

/// Ctrl-C at the prompt: end the read and mark the line as dropped.
let interruptKey: @convention(c) (Int32, Int32) -> Int32 = { _, _ in
    editorState.withLock { $0.interrupted = true }
    cel_set_done(1)
    return 0
}

/// Reads the pasted bytes up to ESC[201~ straight from the terminal (libedit reads one byte at
/// a time, so the rest of the paste is still there) and inserts them as text: pasted newlines
/// become part of the line instead of submitting it.
let pasteKey: @convention(c) (Int32, Int32) -> Int32 = { _, _ in
    let end: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]  // ESC [ 2 0 1 ~
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
        let n = read(0, &byte, 1)
        if n < 0, errno == EINTR { continue }
        if n <= 0 { break }
        bytes.append(byte)
        if bytes.count >= end.count, Array(bytes.suffix(end.count)) == end {
            bytes.removeLast(end.count)
            break
        }
        if bytes.count > 16 * 1024 * 1024 { break }
    }
    var text = String(decoding: bytes, as: UTF8.self)
    text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    // libedit does not redraw after a bound function inserts text, and its forced redraw starts
    // wherever the cursor is: go back to the start of the prompt first, then redraw it all.
    let before = cel_line_buffer().map { String(decoding: Array(String(cString: $0).utf8).prefix(Int(max(0, cel_point()))), as: UTF8.self) } ?? ""
    var rows: Int32 = 0
    var columns: Int32 = 0
    rl_get_screen_size(&rows, &columns)
    let promptWidth = editorState.withLock { $0.promptWidth }
    let up = PasteLayout.rowsAbove(cursorAfter: before, promptWidth: promptWidth, columns: Int(columns))
    LineEditor.writeRaw("\r" + (up > 0 ? "\u{1B}[\(up)A" : ""))
    rl_insert_text(text)
    rl_forced_update_display()
    return 0
}

/// Tab: ask the ``LineCompleter`` (and ``FilenameCompletion`` after `/image`). libedit escapes
/// spaces in the inserted match and appends `rl_completion_append_character` to a lone match.
let attemptCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, end in
    let word = text.map { String(cString: $0) } ?? ""
    let buffer = cel_line_buffer().map { String(cString: $0) } ?? ""
    let line = String(decoding: Array(buffer.utf8).prefix(Int(max(0, end))), as: UTF8.self)
    let completion = editorState.withLock { $0.completer.complete(line: line, word: word) }
    cel_set_attempted_completion_over(1)
    cel_set_completion_append_character(Int32(UInt8(ascii: " ")))
    let candidates: [String]
    switch completion {
    case .nothing:
        return nil
    case .filenames:
        candidates = FilenameCompletion.candidates(for: FilenameCompletion.unescaped(word)).map(FilenameCompletion.escaped)
        // A lone directory gets its `/` and no space, so Tab can continue inside it.
        if candidates.count == 1, candidates[0].hasSuffix("/") { cel_set_completion_append_character(0) }
    case .candidates(let list):
        candidates = list
    }
    guard !candidates.isEmpty else { return nil }
    editorState.withLock {
        $0.candidates = candidates
        $0.nextCandidate = 0
    }
    return rl_completion_matches(text, generateCandidate)
}

/// libedit calls this with state 0, 1, 2, ... and frees what it returns; `nil` ends the list.
private let generateCandidate: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    editorState.withLock { s in
        if state == 0 { s.nextCandidate = 0 }
        guard s.nextCandidate < s.candidates.count else { return nil }
        defer { s.nextCandidate += 1 }
        return strdup(s.candidates[s.nextCandidate])
    }
}
