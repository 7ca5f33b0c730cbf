import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@testable import NebiusChat

@Suite("serve: listening failures")
struct ListenFailureTests {
    @Test("a port in use names the port and the way out")
    func inUse() throws {
        let error = IOError(errnoCode: EADDRINUSE, reason: "bind(descriptor:ptr:bytes:)")
        let failure = try #require(ListenFailure(error: error, host: "127.0.0.1", port: 8083))
        #expect(failure == .portInUse(port: 8083))
        #expect(failure.message == "nebius-chat: port 8083 is already in use (another serve?); pick another with --port N or PORT=N")
    }

    @Test("a privileged port says so; EACCES elsewhere is not guessed at")
    func privileged() throws {
        let error = IOError(errnoCode: EACCES, reason: "bind(descriptor:ptr:bytes:)")
        let failure = try #require(ListenFailure(error: error, host: "127.0.0.1", port: 80))
        #expect(failure == .privilegedPort(port: 80))
        #expect(failure.message.contains("port 80 needs root privileges"))
        #expect(failure.message.contains("--port N or PORT=N"))
        #expect(ListenFailure(error: error, host: "127.0.0.1", port: 8083) == nil)
    }

    @Test("a host that is not this machine's")
    func notHere() throws {
        let error = IOError(errnoCode: EADDRNOTAVAIL, reason: "bind(descriptor:ptr:bytes:)")
        let failure = try #require(ListenFailure(error: error, host: "10.9.8.7", port: 8083))
        #expect(failure.message.contains("cannot listen on 10.9.8.7"))
    }

    @Test("other errors keep their own description")
    func others() {
        struct Other: Error {}
        #expect(ListenFailure(error: Other(), host: "127.0.0.1", port: 8083) == nil)
        #expect(ListenFailure(error: IOError(errnoCode: EMFILE, reason: "socket"), host: "127.0.0.1", port: 8083) == nil)
    }
}
