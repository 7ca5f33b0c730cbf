import Hummingbird
import NIOCore

/// The request context of the proxy: Hummingbird's basics plus the connection, so a handler can
/// notice that the client went away and stop the upstream work it started.
public struct ProxyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
