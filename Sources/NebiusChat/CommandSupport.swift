import ArgumentParser
import Foundation

/// Reads the settings for a command; a bad value prints what is wrong and exits with status 2.
func loadSettings(flags: [String: String]) throws -> Settings {
    do {
        return try Settings(layers: .standard(flags: flags.compactMapValues { $0 }))
    } catch {
        printError("nebius-chat: \(error)")
        throw ExitCode(2)
    }
}

/// Exits with status 2 and instructions when no Nebius key is set.
func requireAPIKey(_ settings: Settings) throws {
    guard settings.upstream.apiKey.isEmpty else { return }
    let configFile = ConfigurationLayers.configFilePath(environment: ProcessInfo.processInfo.environment)
    printError(Settings.missingKeyMessage(configFile: configFile))
    throw ExitCode(2)
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
