#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where text goes: a file descriptor (stdout, stderr) or, in tests, a buffer.
///
/// ```swift
/// let out = TextOutput.standardOutput
/// out.write("hello\n")
/// ```
public final class TextOutput: Sendable {
    private enum Target { case descriptor(Int32), buffer }
    private let target: Target
    private let captured = Mutex<String>("")

    /// Whether this output is a terminal (decides colours and escape codes).
    public let isTerminal: Bool

    private init(target: Target, isTerminal: Bool) {
        self.target = target
        self.isTerminal = isTerminal
    }

    public static let standardOutput = TextOutput(target: .descriptor(1), isTerminal: isatty(1) == 1)
    public static let standardError = TextOutput(target: .descriptor(2), isTerminal: isatty(2) == 1)

    /// An output that keeps what is written, for tests; see ``text``.
    public static func capturing(isTerminal: Bool = false) -> TextOutput {
        TextOutput(target: .buffer, isTerminal: isTerminal)
    }

    /// Everything written so far (capturing outputs only).
    public var text: String { captured.withLock { $0 } }

    /// The terminal's width in columns (`TIOCGWINSZ`), read afresh on each call so that a resize
    /// shows; `nil` for a buffer or an output that is not a terminal.
    public var columns: Int? {
        guard isTerminal, case .descriptor(let fd) = target else { return nil }
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Writes `string` at once (unbuffered), retrying short writes.
    public func write(_ string: String) {
        switch target {
        case .buffer:
            captured.withLock { $0 += string }
        case .descriptor(let fd):
            var bytes = Array(string.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeMutableBytes { raw in
                    Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                }
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
            bytes.removeAll()
        }
    }

    /// Writes `string` and a newline.
    public func line(_ string: String = "") {
        write(string + "\n")
    }
}
