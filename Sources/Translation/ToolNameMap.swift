/// Tool names longer than upstreams accept (64 characters) are shortened reversibly:
/// the first 55 characters, `_`, and 8 hex digits of a hash of the whole name.
public struct ToolNameMap: Sendable, Hashable {
    public static let maxLength = 64
    private var clientNamesByUpstreamName: [String: String] = [:]

    public init() {}

    /// Registers `name` and returns the name to send upstream.
    public mutating func upstreamName(for name: String) -> String {
        guard name.utf8.count > Self.maxLength else { return name }
        let short = Self.shorten(name)
        clientNamesByUpstreamName[short] = name
        return short
    }

    /// The name the client knows for an upstream tool name.
    public func clientName(for upstreamName: String) -> String {
        clientNamesByUpstreamName[upstreamName] ?? upstreamName
    }

    static func shorten(_ name: String) -> String {
        var hash: UInt32 = 2_166_136_261  // FNV-1a
        for byte in name.utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let hex = String(hash, radix: 16)
        let padded = String(repeating: "0", count: 8 - hex.count) + hex
        // At most 55 bytes of the name (whole scalars), so the result is at most 64 bytes.
        var prefix = String.UnicodeScalarView()
        var bytes = 0
        for scalar in name.unicodeScalars {
            bytes += scalar.utf8.count
            if bytes > 55 { break }
            prefix.append(scalar)
        }
        return String(prefix) + "_" + padded
    }
}
