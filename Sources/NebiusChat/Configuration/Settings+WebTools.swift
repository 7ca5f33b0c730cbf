import Foundation
import WebTools

extension Settings {
    /// `WEB_SEARCH_*` and `WEB_FETCH_*`: serve's own web search and fetch for open models.
    static func webTools(_ layers: ConfigurationLayers) throws(ConfigurationError) -> WebToolsConfig {
        func text(_ key: String) -> String? {
            guard let value = layers.value(key)?.value.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func seconds(_ key: String, _ fallback: Double) throws(ConfigurationError) -> Double {
            guard let raw = text(key) else { return fallback }
            guard let n = Double(raw), (0.1...600).contains(n) else {
                throw ConfigurationError("\(key) must be a number of seconds from 0.1 to 600; got '\(raw)'")
            }
            return n
        }
        func flag(_ key: String, _ fallback: Bool) throws(ConfigurationError) -> Bool {
            guard let raw = text(key)?.lowercased() else { return fallback }
            if ["1", "true", "yes", "on"].contains(raw) { return true }
            if ["0", "false", "no", "off"].contains(raw) { return false }
            throw ConfigurationError("\(key) must be true or false; got '\(raw)'")
        }
        var provider: SearchProvider?
        if let name = text("WEB_SEARCH_PROVIDER")?.lowercased(), name != "off", name != "none" {
            guard let known = SearchProvider(rawValue: name) else {
                throw ConfigurationError("WEB_SEARCH_PROVIDER must be tavily, brave or searxng; got '\(name)'")
            }
            provider = known
        }
        let base = text("WEB_SEARCH_BASE_URL")
        if let base, !(base.hasPrefix("http://") || base.hasPrefix("https://")) {
            throw ConfigurationError("WEB_SEARCH_BASE_URL must start with http:// or https://, got '\(base)'")
        }
        var maxBytes = 10 * 1024 * 1024
        if let raw = text("WEB_FETCH_MAX_BYTES") {
            guard let n = Int(raw), (1024...1_073_741_824).contains(n) else {
                throw ConfigurationError("WEB_FETCH_MAX_BYTES must be a whole number from 1024 to 1073741824; got '\(raw)'")
            }
            maxBytes = n
        }
        // WEB_FETCH_ALLOW_PRIVATE: 1 (every private address) or a list of addresses and blocks.
        var allowsPrivate = false
        var allowList: [AddressBlock] = []
        if let raw = text("WEB_FETCH_ALLOW_PRIVATE") {
            if let all = try? flag("WEB_FETCH_ALLOW_PRIVATE", false) {
                allowsPrivate = all
            } else {
                for item in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
                    guard let block = AddressBlock(item) else {
                        throw ConfigurationError("WEB_FETCH_ALLOW_PRIVATE must be 1, 0 or a list of addresses and blocks such as 127.0.0.0/8,10.1.2.3; '\(item)' is neither")
                    }
                    allowList.append(block)
                }
            }
        }
        return WebToolsConfig(
            searchProvider: provider, searchAPIKey: text("WEB_SEARCH_API_KEY"), searchBaseURL: base,
            searchTimeout: try seconds("WEB_SEARCH_TIMEOUT", 15), fetchTimeout: try seconds("WEB_FETCH_TIMEOUT", 20),
            fetchMaxBytes: maxBytes, fetchAllowsPrivate: allowsPrivate, fetchPrivateAllowList: allowList,
            fetchEnabled: try flag("WEB_FETCH", true))
    }
}
