import Testing
import Translation
import Upstream

@testable import NebiusChat

@Suite("Configuration")
struct SettingsTests {
    func layers(_ flags: [String: String] = [:], env: [String: String] = [:], dotEnv: [String: String] = [:],
                config: [String: String] = [:]) -> ConfigurationLayers {
        ConfigurationLayers(layers: [
            .init(name: "command-line flags", values: flags),
            .init(name: "environment", values: env),
            .init(name: "./.env", values: dotEnv),
            .init(name: "config.env", values: config),
        ])
    }

    @Test("flags > environment > ./.env > config.env > defaults")
    func precedence() throws {
        let s = try Settings(layers: layers(
            ["PORT": "9001"],
            env: ["PORT": "9002", "BIG_MODEL": "env/big"],
            dotEnv: ["PORT": "9003", "BIG_MODEL": "dotenv/big", "SMALL_MODEL": "dotenv/small"],
            config: ["PORT": "9004", "SMALL_MODEL": "config/small", "VISION_MODEL": "config/vision"]))
        #expect(s.server.port == 9001)
        #expect(s.translation.bigModel == "env/big")
        #expect(s.translation.smallModel == "dotenv/small")
        #expect(s.translation.visionModel == "config/vision")
        #expect(s.translation.middleModel == TranslationConfig.defaultMiddleModel)
        #expect(s.upstream.baseURL == UpstreamConfig.defaultBaseURL)
        #expect(s.server.host == "127.0.0.1")
        #expect(s.upstream.requestTimeout == 90)
    }

    @Test("NEBIUS_API_KEY is an alias of OPENAI_API_KEY; the source is named, the key is not")
    func keyAlias() throws {
        let s = try Settings(layers: layers(dotEnv: ["NEBIUS_API_KEY": "nb-secret"]))
        #expect(s.upstream.apiKey == "nb-secret")
        #expect(s.apiKeySource == "./.env")
        let both = try Settings(layers: layers(env: ["OPENAI_API_KEY": "openai-one", "NEBIUS_API_KEY": "nebius-one"]))
        #expect(both.upstream.apiKey == "openai-one")
        let none = try Settings(layers: layers())
        #expect(none.upstream.apiKey.isEmpty)
        #expect(none.apiKeySource == nil)
    }

    @Test("CUSTOM_HEADER_X_FOO=bar sends X-Foo: bar")
    func customHeaders() throws {
        let s = try Settings(layers: layers(env: ["CUSTOM_HEADER_X_FOO": "bar", "CUSTOM_HEADER_X_REQUEST_SOURCE": "cli"]))
        let headers = Dictionary(uniqueKeysWithValues: s.upstream.extraHeaders.map { ($0.name, $0.value) })
        #expect(headers == ["X-Foo": "bar", "X-Request-Source": "cli"])
    }

    @Test("a malformed value is an error naming the setting and where it came from", arguments: [
        ("PORT", "eighty", "PORT"),
        ("PORT", "70000", "PORT"),
        ("MAX_RETRIES", "-1", "MAX_RETRIES"),
        ("REQUEST_TIMEOUT", "soon", "REQUEST_TIMEOUT"),
        ("STRIP_IMAGE_CONTEXT", "maybe", "STRIP_IMAGE_CONTEXT"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL"),
        ("OPENAI_BASE_URL", "api.example.com/v1", "OPENAI_BASE_URL"),
    ])
    func malformed(key: String, value: String, named: String) {
        #expect {
            try Settings(layers: layers(env: [key: value]))
        } throws: { error in
            "\(error)".contains(named)
        }
    }

    @Test("booleans, limits and the base URL's trailing slash")
    func values() throws {
        let s = try Settings(layers: layers(env: [
            "STRIP_IMAGE_CONTEXT": "yes", "MIN_TOKENS_LIMIT": "50", "MAX_TOKENS_LIMIT": "4096",
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1/", "LOG_LEVEL": "WARN", "ANTHROPIC_API_KEY": "client",
        ]))
        #expect(s.translation.stripImageContext)
        #expect(s.translation.minTokens == 50 && s.translation.maxTokens == 4096)
        #expect(s.upstream.baseURL == "http://127.0.0.1:9/v1")
        #expect(s.logLevel == .warning)
        #expect(s.server.clientAPIKey == "client")
    }

    @Test(".env parsing: comments, export, quotes, inline comments")
    func envFile() {
        let parsed = EnvFile.parse("""
            # a comment
            export NEBIUS_API_KEY="abc def"
            BIG_MODEL='org/model'
            PORT=9000 # the port
            EMPTY=
            not a line
            """)
        #expect(parsed == ["NEBIUS_API_KEY": "abc def", "BIG_MODEL": "org/model", "PORT": "9000", "EMPTY": ""])
    }

    @Test("the missing-key message names the variables and the three places")
    func missingKey() {
        let message = Settings.missingKeyMessage(configFile: "/home/u/.config/nebius-chat/config.env")
        #expect(message.contains("NEBIUS_API_KEY"))
        #expect(message.contains("OPENAI_API_KEY"))
        #expect(message.contains(".env"))
        #expect(message.contains("/home/u/.config/nebius-chat/config.env"))
    }

    @Test("XDG directories: absolute values win, else HOME fallbacks")
    func xdg() {
        #expect(ConfigurationLayers.configFilePath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/nebius-chat/config.env")
        #expect(ConfigurationLayers.configFilePath(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/h"]) == "/h/.config/nebius-chat/config.env")
    }
}
