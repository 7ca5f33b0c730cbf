#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// File operations that a crash or `kill -9` cannot leave half done.
enum AtomicFile {
    /// Writes `data` to `path` so that the file holds either its old or its new content, never a
    /// mix: write a temporary file in the same directory, flush it to disk, rename it over the
    /// old one, flush the directory.
    static func write(_ data: Data, to path: String, permissions: mode_t = 0o600) throws(FileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = directory + "/." + name + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, permissions)
        guard fd >= 0 else { throw FileError(operation: "create", path: temporary, code: errno) }
        var failure: FileError?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = FileError(operation: "write", path: temporary, code: errno)
                    return
                }
                offset += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = FileError(operation: "flush", path: temporary, code: errno) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileError(operation: "rename", path: path, code: code)
        }
        syncDirectory(directory)
        removeAbandonedTemporaries(directory: directory, name: name)
    }

    /// Removes `.<name>.tmp-<pid>` files left by processes that were killed mid-write.
    static func removeAbandonedTemporaries(directory: String, name: String) {
        let prefix = "." + name + ".tmp-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = pid_t(entry.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(directory + "/" + entry)
            }
        }
    }

    /// Moves `path` to `destination` only if nothing is there yet (never overwrites).
    static func moveWithoutReplacing(_ path: String, to destination: String) throws(FileError) {
        guard link(path, destination) == 0 else {
            throw FileError(operation: "keep", path: destination, code: errno)
        }
        unlink(path)
        syncDirectory((path as NSString).deletingLastPathComponent)
    }

    /// Creates `path` and its missing parents, private to the user (0700).
    static func makeDirectory(_ path: String) throws(FileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw FileError(operation: "create the directory", path: path, code: errno)
        }
    }

    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

/// A failed file operation, described for the user.
public struct FileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public var description: String {
        "could not \(operation) \(path): \(String(cString: strerror(code)))"
    }
}
