#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address as bytes: 4 for IPv4, 16 for IPv6.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a dotted IPv4 or an IPv6 literal (brackets allowed); `nil` for a host name.
    public init?(_ text: String) {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let zone = text.firstIndex(of: "%") { text = String(text[..<zone]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(String(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]), radix: 16)) }
        return groups.joined(separator: ":")
    }
}

/// Which addresses a fetched URL may connect to. Pure: tested over every address class.
///
/// Refused (unless private addresses are allowed): loopback, unspecified, private (RFC 1918),
/// carrier-grade NAT, link-local (and with it the cloud metadata address 169.254.169.254),
/// unique-local IPv6 (`fc00::/7`, which holds AWS's `fd00:ec2::254`), site-local, multicast,
/// reserved and broadcast; IPv4 inside IPv6 (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`,
/// NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is judged by its IPv4 address.
public enum AddressGuard {
    public enum Verdict: String, Sendable, Hashable {
        case allowed
        case loopback, unspecified, privateNetwork = "private", linkLocal = "link-local", uniqueLocal = "unique-local"
        case metadata, multicast, reserved
    }

    public static func classify(_ address: IPAddress) -> Verdict {
        let b = address.bytes
        if address.isIPv4 { return classifyIPv4(b[0], b[1], b[2], b[3]) }
        let zeroPrefix10 = b[0..<10].allSatisfy { $0 == 0 }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated).
        if zeroPrefix10, b[10] == 0xFF, b[11] == 0xFF { return classifyIPv4(b[12], b[13], b[14], b[15]) }
        if zeroPrefix10, b[10] == 0, b[11] == 0 {
            if b[12..<15].allSatisfy({ $0 == 0 }) {
                if b[15] == 0 { return .unspecified }
                if b[15] == 1 { return .loopback }
            }
            return classifyIPv4(b[12], b[13], b[14], b[15])
        }
        // 64:ff9b::/96 NAT64 and 64:ff9b:1::/48 local-use NAT64.
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B {
            if b[4..<12].allSatisfy({ $0 == 0 }) { return classifyIPv4(b[12], b[13], b[14], b[15]) }
            if b[4] == 0, b[5] == 1 { return .privateNetwork }
        }
        // 2002:AABB:CCDD::/48 6to4 carries a.b.c.d.
        if b[0] == 0x20, b[1] == 0x02 { return classifyIPv4(b[2], b[3], b[4], b[5]) }
        if b[0] == 0xFF { return .multicast }
        if b[0] & 0xFE == 0xFC {
            // fd00:ec2::254, the AWS metadata address over IPv6.
            if b == [0xFD, 0x00, 0x0E, 0xC2] + Array(repeating: 0, count: 10) + [0x02, 0x54] { return .metadata }
            return .uniqueLocal
        }
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return .linkLocal }
        if b[0] == 0xFE, b[1] & 0xC0 == 0xC0 { return .privateNetwork }  // fec0::/10 site-local
        // 100::/64 discard, 2001:db8::/32 documentation.
        if b[0] == 0x01, b[1] == 0x00, b[2..<8].allSatisfy({ $0 == 0 }) { return .reserved }
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0D, b[3] == 0xB8 { return .reserved }
        return .allowed
    }

    static func classifyIPv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Verdict {
        // Alibaba Cloud's metadata service (inside carrier-grade NAT space).
        if a == 100, b == 100, c == 100, d == 200 { return .metadata }
        switch (a, b) {
        case (0, _): return a == 0 && b == 0 && c == 0 && d == 0 ? .unspecified : .reserved
        case (10, _): return .privateNetwork
        case (127, _): return .loopback
        case (169, 254): return c == 169 && d == 254 ? .metadata : .linkLocal
        case (172, 16...31): return .privateNetwork
        case (192, 168): return .privateNetwork
        case (100, 64...127): return .privateNetwork  // carrier-grade NAT
        case (192, 0) where c == 0: return .reserved  // IETF protocol assignments
        case (198, 18...19): return .reserved  // benchmarking
        case (224...239, _): return .multicast
        case (240...255, _): return .reserved
        default: return .allowed
        }
    }

    /// Host names that are internal by name, whatever they resolve to.
    public static func isInternalName(_ host: String) -> Bool {
        let h = host.lowercased()
        return h == "localhost" || h.hasSuffix(".localhost") || h == "metadata.google.internal"
            || h == "metadata" || h.hasSuffix(".internal") || h.hasSuffix(".local")
    }
}

/// An address block (`127.0.0.0/8`, `fd00::/8`, or one address), for `WEB_FETCH_ALLOW_PRIVATE`
/// lists that open only some private addresses (an intranet host, a test server on loopback).
public struct AddressBlock: Sendable, Hashable {
    public var base: IPAddress
    public var prefixLength: Int

    /// `nil` unless `text` is an address with an optional `/bits`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let base = IPAddress(first) else { return nil }
        let bits = base.bytes.count * 8
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0...bits).contains(n) else { return nil }
            prefixLength = n
        } else {
            prefixLength = bits
        }
        self.base = base
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == base.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, base.bytes) where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if a & mask != b & mask { return false }
            remaining -= take
        }
        return true
    }
}
