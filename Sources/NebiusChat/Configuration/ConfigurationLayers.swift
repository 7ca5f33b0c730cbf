import Foundation

/// Where settings come from, strongest first: flags, environment, `./.env`,
/// `$XDG_CONFIG_HOME/nebius-chat/config.env`.
struct ConfigurationLayers: Sendable {
    struct Layer: Sendable {
        var name: String
        var values: [String: String]
    }

    var layers: [Layer]

    /// The value of `key` from the strongest layer that sets it (empty values count as unset).
    func value(_ key: String) -> (value: String, source: String)? {
        for layer in layers {
            if let v = layer.values[key], !v.isEmpty { return (v, layer.name) }
        }
        return nil
    }

    /// Every `CUSTOM_HEADER_*` key across layers, strongest layer winning per key.
    func keys(withPrefix prefix: String) -> [String] {
        var seen = Set<String>()
        for layer in layers { for key in layer.values.keys where key.hasPrefix(prefix) { seen.insert(key) } }
        return seen.sorted()
    }

    /// The standard layers of a process: `flags`, then the environment and the two files.
    static func standard(flags: [String: String], environment: [String: String] = ProcessInfo.processInfo.environment,
                         currentDirectory: String = FileManager.default.currentDirectoryPath) -> ConfigurationLayers {
        ConfigurationLayers(layers: [
            Layer(name: "command-line flags", values: flags),
            Layer(name: "environment", values: environment),
            Layer(name: dotEnvPath(currentDirectory: currentDirectory), values: EnvFile.load(path: dotEnvPath(currentDirectory: currentDirectory))),
            Layer(name: configFilePath(environment: environment), values: EnvFile.load(path: configFilePath(environment: environment))),
        ])
    }

    static func dotEnvPath(currentDirectory: String) -> String {
        currentDirectory + "/.env"
    }

    static func configFilePath(environment: [String: String]) -> String {
        xdgDirectory("XDG_CONFIG_HOME", fallback: ".config", environment: environment) + "/nebius-chat/config.env"
    }

    /// `$NAME` if set and absolute, else `$HOME/<fallback>` (XDG Base Directory rules).
    static func xdgDirectory(_ name: String, fallback: String, environment: [String: String]) -> String {
        if let dir = environment[name], dir.hasPrefix("/") { return dir }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/" + fallback
    }
}
