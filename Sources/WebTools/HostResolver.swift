#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Resolves host names for the fetcher, which checks every address before connecting.
public protocol HostResolving: Sendable {
    /// Every address of `host` (an IP literal resolves to itself); throws when it has none.
    func addresses(of host: String, port: Int) async throws -> [IPAddress]
}

/// The system resolver (`getaddrinfo`), run off the cooperative thread pool (it blocks).
public struct SystemResolver: HostResolving {
    public init() {}

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func addresses(of host: String, port: Int) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Self.resolve(host, port: port))
            }
        }
    }

    static func resolve(_ host: String, port: Int) -> Result<[IPAddress], any Error> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            let reason = status == 0 ? "no address" : String(cString: gai_strerror(status))
            return .failure(Failure(description: "\(host) does not resolve (\(reason))"))
        }
        defer { freeaddrinfo(first) }
        var result: [IPAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let current = node {
            if let sa = current.pointee.ai_addr {
                if current.pointee.ai_family == AF_INET {
                    let bytes = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ptr in
                        withUnsafeBytes(of: ptr.pointee.sin_addr) { Array($0) }
                    }
                    if let address = IPAddress(bytes: bytes) { result.append(address) }
                } else if current.pointee.ai_family == AF_INET6 {
                    let bytes = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { ptr in
                        withUnsafeBytes(of: ptr.pointee.sin6_addr) { Array($0) }
                    }
                    if let address = IPAddress(bytes: bytes) { result.append(address) }
                }
            }
            node = current.pointee.ai_next
        }
        if result.isEmpty { return .failure(Failure(description: "\(host) has no IPv4 or IPv6 address")) }
        var seen = Set<IPAddress>()
        return .success(result.filter { seen.insert($0).inserted })
    }
}
