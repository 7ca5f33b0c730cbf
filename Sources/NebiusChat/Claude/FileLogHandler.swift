import Foundation
import Logging
import Synchronization

/// Log lines appended to a file, in the format of swift-log's stream handler (which writes
/// only to stdout or stderr): `nebius-chat claude` must keep the terminal to Claude Code.
struct FileLogHandler: LogHandler {
    private let sink: Sink
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    /// One open file, shared by every handler made from it.
    final class Sink: Sendable {
        private let handle: Mutex<FileHandle?>

        /// Opens `path` for appending, creating it and its directory; `nil` if that fails.
        init?(path: String) {
            let directory = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) {
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    return nil
                }
            }
            guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
            handle.seekToEndOfFile()
            self.handle = Mutex(handle)
        }

        func write(_ line: String) {
            handle.withLock { $0?.write(Data(line.utf8)) }
        }

        func close() {
            handle.withLock { handle in
                try? handle?.close()
                handle = nil
            }
        }
    }

    init(label: String, sink: Sink, logLevel: Logger.Level) {
        self.label = label
        self.sink = sink
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601)
        sink.write("\(time) \(event.level) \(label):\(fields.isEmpty ? "" : " " + fields) \(event.message)\n")
    }
}
