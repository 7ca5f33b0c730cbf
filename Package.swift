// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "nebius-chat",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nebius-chat", targets: ["NebiusChat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // No default traits: they pull in full Foundation and ICU (40 MB) for nothing we use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // `nebius-chat claude` runs Claude Code in the terminal's own process group (Foundation's
        // Process puts a child in a new group, which takes the terminal away from it).
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // MCP servers' tools in the chat and in `ask`.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // /metrics in the Prometheus text format.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Wire types of the two APIs. Foundation only.
        .target(name: "JSONValues"),
        .target(name: "ClaudeAPI", dependencies: ["JSONValues"]),
        .target(name: "OpenAIAPI", dependencies: ["JSONValues"]),
        // The pure translation core: no I/O, no clocks, no environment.
        .target(name: "Translation", dependencies: ["ClaudeAPI", "OpenAIAPI"]),
        // PDF text and page images with poppler, loaded on first use (see CPoppler).
        .target(name: "CPoppler", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "Documents", dependencies: ["CPoppler"]),
        // The server tools serve runs for open models: web search backends, web fetch.
        .target(
            name: "WebTools",
            dependencies: [
                "Documents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The incremental server-sent events decoder (the upstream's streams, MCP over HTTP).
        .target(name: "ServerSentEvents"),
        // The Nebius client and the pipeline that runs a Claude request end to end.
        .target(
            name: "Upstream",
            dependencies: [
                "Translation", "Documents", "WebTools", "ServerSentEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // MCP servers (stdio and HTTP) as tools for the chat and `ask`.
        .target(
            name: "ToolUse",
            dependencies: [
                "ClaudeAPI", "ServerSentEvents",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "CMemory"),
        .target(
            name: "ProxyServer",
            dependencies: [
                "Upstream",
                "CMemory",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),  // the HTTP part type, for SSEWriteCoalescer
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]
        ),
        .target(name: "Terminal", dependencies: ["Upstream", "CEditLine", "ToolUse"]),
        .executableTarget(
            name: "NebiusChat",
            dependencies: [
                "ProxyServer", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        // A scriptable OpenAI-compatible server that misbehaves on demand (tests, benchmarks).
        .target(
            name: "ScriptedUpstream",
            dependencies: [
                "OpenAIAPI", "ClaudeAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "ScriptedUpstreamServer",
            dependencies: [
                "ScriptedUpstream",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "TranslationBenchmark", dependencies: ["Translation"]),
        .testTarget(name: "TranslationTests", dependencies: ["Translation"], exclude: ["RULES.md"]),
        .testTarget(name: "UpstreamTests", dependencies: ["Upstream", "ScriptedUpstream", "ServerSentEvents"]),
        .testTarget(
            name: "ProxyServerTests",
            dependencies: [
                "ProxyServer", "ScriptedUpstream",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "ScriptedUpstream"]),
        .testTarget(name: "NebiusChatTests", dependencies: ["NebiusChat"]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents"]),
        .testTarget(name: "WebToolsTests", dependencies: ["WebTools"]),
        .testTarget(
            name: "ToolUseTests",
            dependencies: [
                "ToolUse",
                .product(name: "Hummingbird", package: "hummingbird"),  // a loopback MCP server
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
