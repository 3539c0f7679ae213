public import Hummingbird
public import NIOCore

/// The status endpoint's request context: Hummingbird's basic one plus the client's address, which
/// the log of refused requests names (``RefusalLog``).
public struct StatusRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address without the port (one client, many connections), or `unknown`.
    var client: String { remoteAddress?.ipAddress ?? "unknown" }
}
