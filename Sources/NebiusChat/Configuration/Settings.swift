import Foundation
import Logging
import ProxyServer
import Translation
import Upstream
import WebTools

/// Every setting of the program, read once at start-up and passed down as a value.
struct Settings: Sendable {
    var translation: TranslationConfig
    var upstream: UpstreamConfig
    var server: ServerConfig
    var logLevel: Logger.Level
    /// Where the Nebius key came from (a layer name, never the key), or `nil` when none is set.
    var apiKeySource: String?
    /// `FALLBACK_MODEL`: models tried in order when the routed one is not found or is down.
    var fallbackModels: [String]
    /// `FALLBACK_MODEL=off`: no model stands in for a failed one (not even the catalogue's).
    var fallsBack: Bool
    /// `$XDG_CACHE_HOME/nebius-chat/catalogue.json`.
    var catalogueCacheFile: String
    /// `WEB_SEARCH_*`, `WEB_FETCH_*` (Settings+WebTools.swift).
    var webTools = WebToolsConfig()

    /// Reads settings from the layers; a malformed value is an error that names the setting.
    init(layers: ConfigurationLayers) throws(ConfigurationError) {
        let reader = Reader(layers: layers)
        let key = layers.value("OPENAI_API_KEY") ?? layers.value("NEBIUS_API_KEY")
        apiKeySource = key?.source

        var headers: [(name: String, value: String)] = []
        for envKey in layers.keys(withPrefix: "CUSTOM_HEADER_") {
            guard let value = layers.value(envKey)?.value else { continue }
            let name = envKey.dropFirst("CUSTOM_HEADER_".count).split(separator: "_")
                .map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: "-")
            if !name.isEmpty { headers.append((name, value)) }
        }

        let defaults = TranslationConfig()
        translation = TranslationConfig(
            bigModel: reader.string("BIG_MODEL", default: defaults.bigModel),
            middleModel: reader.string("MIDDLE_MODEL", default: defaults.middleModel),
            smallModel: reader.string("SMALL_MODEL", default: defaults.smallModel),
            visionModel: reader.string("VISION_MODEL", default: defaults.visionModel),
            minTokens: try reader.int("MIN_TOKENS_LIMIT", default: defaults.minTokens, in: 1...1_000_000),
            maxTokens: try reader.int("MAX_TOKENS_LIMIT", default: defaults.maxTokens, in: 1...10_000_000),
            stripImageContext: try reader.bool("STRIP_IMAGE_CONTEXT", default: defaults.stripImageContext)
        )
        upstream = UpstreamConfig(
            baseURL: reader.string("OPENAI_BASE_URL", default: UpstreamConfig.defaultBaseURL),
            apiKey: key?.value ?? "",
            requestTimeout: try reader.double("REQUEST_TIMEOUT", default: 90, in: 0.1...86_400),
            connectTimeout: try reader.double("CONNECT_TIMEOUT", default: 10, in: 0.1...600),
            maxRetries: try reader.int("MAX_RETRIES", default: 2, in: 0...10),
            maxConnections: try reader.int("MAX_UPSTREAM_CONNECTIONS", default: 1024, in: 1...65536),
            extraHeaders: headers
        )
        guard upstream.baseURL.hasPrefix("http://") || upstream.baseURL.hasPrefix("https://") else {
            throw ConfigurationError("OPENAI_BASE_URL must start with http:// or https://, got '\(upstream.baseURL)'")
        }
        server = ServerConfig(
            host: reader.string("HOST", default: "127.0.0.1"),
            port: try reader.int("PORT", default: 8083, in: 0...65535),
            clientAPIKey: layers.value("ANTHROPIC_API_KEY")?.value,
            maxBodyBytes: try reader.int("MAX_BODY_BYTES", default: 32 * 1024 * 1024, in: 1024...1_073_741_824),
            pingInterval: try reader.double("PING_INTERVAL", default: 15, in: 0.05...3600),
            idleTimeout: try reader.double("IDLE_TIMEOUT", default: 30, in: 1...86_400),
            memoryTrimInterval: try reader.double("MEMORY_TRIM_INTERVAL", default: 30, in: 0...86_400)
        )
        server.metrics = try reader.bool("METRICS", default: true)  // GET /metrics
        server.writeTimeout = try reader.double("WRITE_TIMEOUT", default: 60, in: 1...86_400)  // a client that stopped reading
        webTools = try Settings.webTools(layers)  // serve's web search and fetch
        let fallback = reader.string("FALLBACK_MODEL", default: "")
        fallsBack = !["off", "none"].contains(fallback.trimmingCharacters(in: .whitespaces).lowercased())
        fallbackModels = fallsBack
            ? fallback.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            : []
        var xdg: [String: String] = [:]
        xdg["XDG_CACHE_HOME"] = layers.value("XDG_CACHE_HOME")?.value
        xdg["HOME"] = layers.value("HOME")?.value
        catalogueCacheFile = ConfigurationLayers.xdgDirectory("XDG_CACHE_HOME", fallback: ".cache", environment: xdg)
            + "/nebius-chat/catalogue.json"
        let level = reader.string("LOG_LEVEL", default: "info").lowercased()
        guard let parsed = Logger.Level(rawValue: level == "warn" ? "warning" : level) else {
            throw ConfigurationError("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
        }
        logLevel = parsed
    }

    /// What to tell someone who has no Nebius key set, and where to put one.
    static func missingKeyMessage(configFile: String) -> String {
        """
        No Nebius API key is set.
        Get one at https://tokenfactory.nebius.com (API keys), then do one of:
          export NEBIUS_API_KEY=...                       (this shell; OPENAI_API_KEY works too)
          echo 'NEBIUS_API_KEY=...' >> .env               (this directory)
          mkdir -p \((configFile as NSString).deletingLastPathComponent) && echo 'NEBIUS_API_KEY=...' >> \(configFile)
                                                          (every directory)
        """
    }
}

/// A setting that could not be used, with a message that names it.
struct ConfigurationError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

private struct Reader {
    let layers: ConfigurationLayers

    func string(_ key: String, default value: String) -> String {
        layers.value(key)?.value ?? value
    }

    func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let (raw, source) = layers.value(key) else { return value }
        guard let n = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
            throw ConfigurationError("\(key) must be a whole number from \(range.lowerBound) to \(range.upperBound); got '\(raw)' (from \(source))")
        }
        return n
    }

    func double(_ key: String, default value: Double, in range: ClosedRange<Double>) throws(ConfigurationError) -> Double {
        guard let (raw, source) = layers.value(key) else { return value }
        guard let n = Double(raw.trimmingCharacters(in: .whitespaces)), range.contains(n) else {
            throw ConfigurationError("\(key) must be a number of seconds from \(range.lowerBound) to \(range.upperBound); got '\(raw)' (from \(source))")
        }
        return n
    }

    func bool(_ key: String, default value: Bool) throws(ConfigurationError) -> Bool {
        guard let (raw, source) = layers.value(key) else { return value }
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError("\(key) must be true or false; got '\(raw)' (from \(source))")
        }
    }
}
