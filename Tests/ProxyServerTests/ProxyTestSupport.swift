import ClaudeAPI
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ProxyServer
import Translation
import Upstream

/// A proxy around `service` with test settings.
func makeProxy(
    _ service: FakeMessagesService, clientKey: String? = nil, maxBodyBytes: Int = 1024 * 1024, pingInterval: Double = 15,
    models: [CatalogueModel] = [CatalogueModel(id: "zai-org/GLM-5.2", contextLength: 432_000, created: 1_700_000_000)]
) -> ProxyApplication {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return ProxyApplication(
        service: service, catalogue: .fixed(models, logger: logger), translation: TranslationConfig(),
        server: ServerConfig(port: 0, clientAPIKey: clientKey, maxBodyBytes: maxBodyBytes, pingInterval: pingInterval),
        logger: logger)
}

/// A minimal valid Messages body.
func messagesBody(stream: Bool, extra: String = "") -> ByteBuffer {
    ByteBuffer(string: """
        {"model":"claude-sonnet-4-5","max_tokens":100,"stream":\(stream),\(extra)
         "messages":[{"role":"user","content":"hello"}]}
        """)
}

/// The SSE frames of a body as (event, data JSON) pairs.
func sseFrames(_ body: ByteBuffer) -> [(event: String, data: JSONValue?)] {
    String(buffer: body).components(separatedBy: "\n\n").compactMap { frame in
        let lines = frame.split(separator: "\n")
        guard let event = lines.first(where: { $0.hasPrefix("event: ") })?.dropFirst(7) else { return nil }
        let data = lines.first(where: { $0.hasPrefix("data: ") }).flatMap { JSONValue(parsing: String($0.dropFirst(6))) }
        return (String(event), data)
    }
}

func json(_ body: ByteBuffer) -> JSONValue? {
    JSONValue(parsing: String(buffer: body))
}
