import Foundation

/// One entry of `mcpServers`, in the Claude Code / Claude Desktop format.
///
/// ```json
/// {"mcpServers": {
///   "calc": {"command": "python3", "args": ["calc.py"], "env": {"TOKEN": "${CALC_TOKEN}"}},
///   "docs": {"type": "http", "url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ${DOCS_KEY}"}}
/// }}
/// ```
public struct MCPServerConfig: Sendable, Hashable {
    public enum Transport: Sendable, Hashable {
        /// A local process spoken to over its stdin and stdout.
        case stdio(command: String, arguments: [String], environment: [String: String])
        /// A Streamable HTTP endpoint.
        case http(url: String, headers: [String: String])
    }

    public var name: String
    public var transport: Transport
    /// The file the entry came from (for messages).
    public var source: String
    /// `python3 calc.py --token ${TOKEN}` or the URL, as written (before `${VAR}` expansion, so
    /// that no secret shows): what `/tools` shows. Never the env or header values.
    public var summary: String

    public init(name: String, transport: Transport, source: String, summary: String? = nil) {
        self.name = name
        self.transport = transport
        self.source = source
        switch transport {
        case .stdio(let command, let arguments, _):
            self.summary = summary ?? ([command] + arguments).joined(separator: " ")
        case .http(let url, _):
            self.summary = summary ?? url
        }
    }
}

/// A configuration file that could not be used, with a message that says where and why.
public struct MCPConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads `mcpServers` files.
public enum MCPConfigFile {
    /// The servers of one file's JSON. `${VAR}` and `${VAR:-default}` in `command`, `args`,
    /// `env`, `url` and `headers` are replaced from `environment`, as Claude Code does.
    ///
    /// A malformed file is an error; a malformed entry is skipped with a warning, so one bad
    /// server does not take the others away.
    public static func parse(_ data: Data, source: String, environment: [String: String]) throws(MCPConfigError)
        -> (servers: [MCPServerConfig], warnings: [String])
    {
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw MCPConfigError("\(source): not valid JSON (\(Self.reason(error)))")
        }
        guard let object = root as? [String: Any] else {
            throw MCPConfigError("\(source): expected a JSON object with \"mcpServers\"")
        }
        guard let entries = object["mcpServers"] else { return ([], []) }
        guard let servers = entries as? [String: Any] else {
            throw MCPConfigError("\(source): \"mcpServers\" must be an object of named servers")
        }
        var result: [MCPServerConfig] = []
        var warnings: [String] = []
        for name in servers.keys.sorted() {
            do {
                result.append(try entry(name: name, value: servers[name] as Any, source: source, environment: environment))
            } catch {
                warnings.append(error.description)
            }
        }
        return (result, warnings)
    }

    static func entry(name: String, value: Any, source: String, environment: [String: String]) throws(MCPConfigError) -> MCPServerConfig {
        let at = "\(source): server \"\(name)\""
        guard !name.isEmpty else { throw MCPConfigError("\(source): a server has an empty name") }
        guard let fields = value as? [String: Any] else { throw MCPConfigError("\(at) must be an object") }
        func expand(_ s: String) -> String { Self.expand(s, environment: environment) }
        func strings(_ key: String) throws(MCPConfigError) -> [String] {
            guard let raw = fields[key] else { return [] }
            let list = raw as? [Any] ?? [0]
            let items = list.compactMap { $0 as? String }
            guard raw is [Any], items.count == list.count else {
                throw MCPConfigError("\(at): \"\(key)\" must be a list of strings")
            }
            return items.map(expand)
        }
        func map(_ key: String) throws(MCPConfigError) -> [String: String] {
            guard let raw = fields[key] else { return [:] }
            guard let dict = raw as? [String: Any] else { throw MCPConfigError("\(at): \"\(key)\" must be an object of strings") }
            var out: [String: String] = [:]
            for (k, v) in dict {
                guard let s = v as? String else { throw MCPConfigError("\(at): \"\(key)\".\(k) must be a string") }
                out[k] = expand(s)
            }
            return out
        }
        let type = (fields["type"] as? String)?.lowercased()
        switch type {
        case nil, "stdio":
            guard let command = fields["command"] as? String, !command.isEmpty else {
                throw MCPConfigError("\(at) needs a \"command\" (or \"type\": \"http\" with a \"url\")")
            }
            let rawArguments = (fields["args"] as? [Any] ?? []).compactMap { $0 as? String }
            return MCPServerConfig(
                name: name, transport: .stdio(command: expand(command), arguments: try strings("args"), environment: try map("env")),
                source: source, summary: ([command] + rawArguments).joined(separator: " "))
        case "http", "streamable-http", "streamable_http":
            guard let rawURL = fields["url"] as? String, case let url = expand(rawURL), url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw MCPConfigError("\(at) needs a \"url\" starting with http:// or https://")
            }
            return MCPServerConfig(name: name, transport: .http(url: url, headers: try map("headers")), source: source, summary: rawURL)
        case "sse":
            throw MCPConfigError("\(at): the SSE transport is deprecated in MCP and not supported; use \"type\": \"http\"")
        case let other?:
            throw MCPConfigError("\(at): unknown \"type\" \"\(other)\" (stdio or http)")
        }
    }

    /// `${VAR}` becomes the variable's value (empty when unset), `${VAR:-default}` the default
    /// when it is unset or empty. Anything else is kept as written.
    public static func expand(_ text: String, environment: [String: String]) -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let inner = rest[open.upperBound..<close]
            let name: Substring
            let fallback: Substring?
            if let sep = inner.range(of: ":-") {
                name = inner[..<sep.lowerBound]
                fallback = inner[sep.upperBound...]
            } else {
                name = inner
                fallback = nil
            }
            let value = environment[String(name)] ?? ""
            out += value.isEmpty ? String(fallback ?? "") : value
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? "unreadable"
    }
}

/// Where servers are configured: the user's file, then the project's, whose entries replace
/// the user's of the same name.
public struct MCPConfiguration: Sendable {
    public var servers: [MCPServerConfig]
    /// Entries or files that could not be used (printed once when the chat starts).
    public var warnings: [String]

    public init(servers: [MCPServerConfig] = [], warnings: [String] = []) {
        self.servers = servers
        self.warnings = warnings
    }

    /// `$XDG_CONFIG_HOME/nebius-chat/mcp.json`, then `./.mcp.json`. Missing files are fine.
    public static func load(paths: [String], environment: [String: String]) -> MCPConfiguration {
        var byName: [String: MCPServerConfig] = [:]
        var warnings: [String] = []
        for path in paths {
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                warnings.append("\(path): cannot be read")
                continue
            }
            do {
                let (servers, entryWarnings) = try MCPConfigFile.parse(data, source: path, environment: environment)
                warnings += entryWarnings
                for server in servers { byName[server.name] = server }
            } catch {
                warnings.append(error.description)
            }
        }
        return MCPConfiguration(servers: byName.keys.sorted().compactMap { byName[$0] }, warnings: warnings)
    }
}
