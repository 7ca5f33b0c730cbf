/// An absolute http(s) URL split into the parts the fetcher and the domain rules need.
/// Hand-written: FoundationEssentials has no URL parser on Linux builds without full Foundation,
/// and only these few parts are needed.
public struct WebURL: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    /// Lowercased; an IPv6 literal without its brackets.
    public var host: String
    public var port: Int?
    /// From the first `/` (at least `/`), with the query.
    public var path: String

    /// `nil` unless `text` is an absolute `http` or `https` URL with a host.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        guard let colon = trimmed.firstIndex(of: ":") else { return nil }
        let scheme = trimmed[..<colon].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let afterColon = trimmed[trimmed.index(after: colon)...]
        guard afterColon.hasPrefix("//") else { return nil }
        let rest = afterColon.dropFirst(2)
        let authorityEnd = rest.firstIndex(where: Self.endsAuthority) ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        var path = String(rest[authorityEnd...])
        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
        if path.isEmpty || path.first == "?" { path = "/" + path }
        // user:password@ is dropped.
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        var host: String
        var portText: String?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = String(after.dropFirst()) } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = String(authority[authority.index(after: colon)...])
        } else {
            host = authority
        }
        host = host.lowercased()
        if host.hasSuffix(".") { host = String(host.dropLast()) }
        guard !host.isEmpty, !host.contains(where: Self.badHostCharacter) else { return nil }
        var port: Int?
        if let portText, !portText.isEmpty {
            guard let p = Int(portText), (1...65535).contains(p) else { return nil }
            port = p
        }
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
    }

    private static func badHostCharacter(_ c: Character) -> Bool { c == " " || c == "\\" || c == "/" || c.isNewline }

    private static func endsAuthority(_ c: Character) -> Bool { c == "/" || c == "?" || c == "#" }

    public var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }

    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h)\(port.map { ":\($0)" } ?? "")\(path)"
    }

    /// The absolute URL a `Location` header points to, relative to this one.
    public func resolving(_ location: String) -> WebURL? {
        let loc = location.trimmingWhitespace()
        if let parsed = WebURL(loc) { return parsed }
        // Another scheme (`ftp:`, `javascript:`): not a page the fetcher may follow.
        if let colon = loc.firstIndex(of: ":"), !loc[..<colon].contains("/"), !loc[..<colon].isEmpty,
           loc[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) {
            return nil
        }
        if loc.hasPrefix("//") { return WebURL(scheme + ":" + loc) }
        var copy = self
        if loc.hasPrefix("/") {
            copy.path = loc
        } else {
            let base = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? "/"
            let dir = base.lastIndex(of: "/").map { String(base[...$0]) } ?? "/"
            copy.path = dir + loc
        }
        return WebURL(copy.description)
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
