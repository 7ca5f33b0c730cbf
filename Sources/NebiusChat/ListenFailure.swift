import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why `serve` could not open its listening socket, in words a user can act on.
///
/// NIO reports a failed `bind` as an ``IOError`` whose description is the raw system call
/// (`bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)`); the common causes get
/// a sentence and a way out instead.
enum ListenFailure: Equatable {
    /// Another process listens on the port (often a `serve` started earlier).
    case portInUse(port: Int)
    /// Ports below 1024 need privileges.
    case privilegedPort(port: Int)
    /// The host is not an address of this machine.
    case addressUnavailable(host: String)

    /// Recognises a listening failure in `error`; nil for anything else.
    init?(error: any Error, host: String, port: Int) {
        guard let ioError = error as? IOError else { return nil }
        self.init(errno: ioError.errnoCode, host: host, port: port)
    }

    init?(errno code: CInt, host: String, port: Int) {
        switch code {
        case EADDRINUSE:
            self = .portInUse(port: port)
        case EACCES where port > 0 && port < 1024:
            self = .privilegedPort(port: port)
        case EADDRNOTAVAIL:
            self = .addressUnavailable(host: host)
        default:
            return nil
        }
    }

    /// The line `serve` prints before it exits with status 1.
    var message: String {
        switch self {
        case .portInUse(let port):
            return "nebius-chat: port \(port) is already in use (another serve?); pick another with --port N or PORT=N"
        case .privilegedPort(let port):
            return "nebius-chat: port \(port) needs root privileges (ports below 1024 do); pick a port from 1024 up with --port N or PORT=N"
        case .addressUnavailable(let host):
            return "nebius-chat: cannot listen on \(host): it is not an address of this machine; use --host 127.0.0.1 (or HOST=...)"
        }
    }
}
