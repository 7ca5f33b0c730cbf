import CEditLine
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-R at the prompt. libedit's own incremental search (`em-inc-search-prev`) prompts with a
/// fixed `bck:`, and with signal keys off it takes Ctrl-C as text and leaves a garbled line;
/// this one reads the keys itself (as the paste handler does) and draws a labelled status line.
let historySearchKey: @convention(c) (Int32, Int32) -> Int32 = { _, _ in
    HistorySearchKey.run()
    return 0
}

/// The keys of a running history search: text narrows it, Ctrl-R goes further back, Enter
/// runs the match, Escape (or an arrow, Tab, Ctrl-A...) leaves it in the line for editing,
/// Ctrl-G (or Ctrl-D) gives back the line as it was, Ctrl-C drops the line for a fresh prompt.
enum HistorySearchKey {
    enum Key: Equatable {
        case text(String)
        case older
        case backspace
        case clearQuery
        /// Enter: run the match.
        case accept
        /// Ctrl-C: drop the line.
        case cancel
        /// Ctrl-G, Ctrl-D, end of input: the line as it was before the search.
        case abort
        /// Any other key: keep the match in the line and let libedit act on these bytes.
        case leave([UInt8])
    }

    /// libedit queues at most 10 pushed inputs (one per byte here); longer keys are dropped.
    static let maximumPushedBytes = 8

    static func run() {
        var search = HistorySearch(entries: historyEntries())
        // Back to the prompt's first row (the line may span several), and clear it all: the
        // status line takes its place until the search ends.
        let before = cel_line_buffer().map {
            String(decoding: Array(String(cString: $0).utf8).prefix(Int(max(0, cel_point()))), as: UTF8.self)
        } ?? ""
        let promptWidth = editorState.withLock { $0.promptWidth }
        let up = PasteLayout.rowsAbove(cursorAfter: before, promptWidth: promptWidth, columns: screenColumns())
        LineEditor.writeRaw("\r" + (up > 0 ? "\u{1B}[\(up)A" : "") + "\u{1B}[J")
        draw(search)
        while true {
            switch readKey() {
            case .text(let text): search.type(text)
            case .older: search.older()
            case .backspace: search.deleteBackward()
            case .clearQuery: search.clearQuery()
            case .accept:
                guard let match = search.match else {
                    finish(line: nil)
                    return
                }
                finish(line: match)
                _ = rl_insert(1, 13)  // Enter, read by libedit next: the line is submitted as typed
                return
            case .cancel:
                LineEditor.writeRaw("\r\u{1B}[K")
                editorState.withLock {
                    $0.interrupted = true
                    $0.quietInterrupt = true
                }
                cel_set_done(1)
                return
            case .abort:
                finish(line: nil)
                return
            case .leave(let bytes):
                finish(line: search.match)
                for byte in bytes.prefix(maximumPushedBytes) { _ = rl_insert(1, Int32(byte)) }
                return
            }
            draw(search)
        }
    }

    /// Ends the search: puts `line` (nil: what was there) in the editor and lets libedit draw
    /// prompt and line anew from the start of the status row.
    private static func finish(line: String?) {
        LineEditor.writeRaw("\r\u{1B}[K")
        if let line, !line.isEmpty {
            rl_replace_line(line, 0)
            // The cursor stays where it was in the old line: send it to the end.
            _ = rl_insert(1, 0x05)  // Ctrl-E
        }
        rl_forced_update_display()
    }

    private static func draw(_ search: HistorySearch) {
        LineEditor.writeRaw("\r\u{1B}[K" + search.status(columns: screenColumns()))
    }

    private static func screenColumns() -> Int {
        var rows: Int32 = 0
        var columns: Int32 = 0
        rl_get_screen_size(&rows, &columns)
        return columns > 0 ? Int(columns) : 80
    }

    /// The history, oldest first.
    private static func historyEntries() -> [String] {
        let base = cel_history_base()
        let length = max(0, cel_history_length())
        var entries: [String] = []
        entries.reserveCapacity(Int(length))
        for offset in 0..<length {
            if let entry = history_get(base + offset), let line = entry.pointee.line {
                entries.append(String(cString: line))
            }
        }
        return entries
    }

    // MARK: Keys

    static func readKey() -> Key {
        guard let byte = readByte(waitingMilliseconds: -1) else { return .abort }
        return key(startingWith: byte) { readByte(waitingMilliseconds: 50) }
    }

    /// Decodes one key from its first byte; `next` gives the following bytes, or nil when none
    /// arrives soon (a lone Escape).
    static func key(startingWith byte: UInt8, next: () -> UInt8?) -> Key {
        switch byte {
        case 0x12: return .older
        case 0x03: return .cancel
        case 0x07, 0x04: return .abort
        case 0x0D, 0x0A: return .accept
        case 0x7F, 0x08: return .backspace
        case 0x15: return .clearQuery
        case 0x1B:
            guard let second = next() else { return .leave([]) }
            var bytes: [UInt8] = [0x1B, second]
            if second == UInt8(ascii: "[") || second == UInt8(ascii: "O") {
                // CSI / SS3: parameters, then one final byte in @...~.
                while bytes.count < 16, let more = next() {
                    bytes.append(more)
                    if (0x40...0x7E).contains(more) { break }
                }
            }
            return .leave(bytes.count <= maximumPushedBytes ? bytes : [])
        case 0x00..<0x20:
            return .leave([byte])
        default:
            let following = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0
            var bytes = [byte]
            for _ in 0..<following {
                guard let more = next() else { break }
                bytes.append(more)
            }
            return .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// One byte from the terminal; nil at the end of input, or when `waitingMilliseconds`
    /// (>= 0) pass without one.
    private static func readByte(waitingMilliseconds: Int32) -> UInt8? {
        if waitingMilliseconds >= 0 {
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            var ready: Int32
            repeat { ready = poll(&descriptor, 1, waitingMilliseconds) } while ready < 0 && errno == EINTR
            guard ready > 0 else { return nil }
        }
        var byte: UInt8 = 0
        while true {
            let n = read(0, &byte, 1)
            if n < 0, errno == EINTR { continue }
            return n == 1 ? byte : nil
        }
    }
}
