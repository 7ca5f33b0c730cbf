#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import WebTools

/// The fetch transport connects to the address the guard checked, for https too, so a second
/// DNS answer (rebinding) cannot send it elsewhere.
@Suite struct PinnedConnectionTests {
    /// A listening loopback socket that never accepts: connections wait in its queue, where the
    /// test counts them.
    final class Listener {
        let fd: Int32
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> Bool in
                    bind(fd, raw, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, raw, &length) == 0
                }
            }
            guard fd >= 0, bound else {
                close(fd)
                throw SystemResolver.Failure(description: "no loopback socket")
            }
            self.fd = fd
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        /// Connections that reached the socket.
        func arrived() -> Int {
            var count = 0
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return count }
                close(client)
                count += 1
            }
        }

        deinit { close(fd) }
    }

    @Test func httpsConnectsToTheCheckedAddressNotToAFreshLookup() async throws {
        let listener = try Listener()
        let transport = HTTPPageTransport(httpClient: PageFetcher.sharedHTTPClient, timeout: 1, maxBytes: 1 << 20)
        // The name has no DNS answer at all (.invalid): only the checked address can be reached.
        let url = try #require(WebURL("https://pinned.invalid:\(listener.port)/page"))
        await #expect(throws: (any Error).self) {
            _ = try await transport.get(url, connectingTo: IPAddress("127.0.0.1"))
        }
        #expect(listener.arrived() == 1, "the connection went to the checked address")
    }

    @Test func plainHTTPConnectsToTheCheckedAddressToo() async throws {
        let listener = try Listener()
        let transport = HTTPPageTransport(httpClient: PageFetcher.sharedHTTPClient, timeout: 1, maxBytes: 1 << 20)
        let url = try #require(WebURL("http://pinned.invalid:\(listener.port)/page"))
        await #expect(throws: (any Error).self) {
            _ = try await transport.get(url, connectingTo: IPAddress("127.0.0.1"))
        }
        #expect(listener.arrived() == 1)
    }
}
