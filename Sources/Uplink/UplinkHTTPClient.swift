public import AsyncHTTPClient
import NIOCore
import Synchronization

/// The HTTP clients of the uplinks: AsyncHTTPClient's shared configuration, but
/// - redirects are never followed: a platform that redirects gets the batch neither acknowledged by
///   another host nor its body POSTed where it was never configured to go; the uplink reports the new
///   location instead;
/// - a connection that cannot be made fails the request at once (`retryConnectionEstablishment` off)
///   after at most the uplink's `connect_timeout`: the uplink retries on its own short schedule instead
///   of the request waiting out its whole timeout inside the client's pool while the platform is down,
///   so the first batch goes within a second of the platform's return.
public enum UplinkHTTPClient {
    /// The client with the default connect timeout (3 s), never shut down, like `HTTPClient.shared`.
    public static var shared: HTTPClient { client(connectTimeout: .seconds(3)) }

    private static let clients = Mutex<[Duration: HTTPClient]>([:])

    /// One client per connect timeout, for the life of the process (never shut down).
    public static func client(connectTimeout: Duration) -> HTTPClient {
        clients.withLock { clients in
            if let client = clients[connectTimeout] { return client }
            var configuration = HTTPClient.Configuration.singletonConfiguration
            configuration.redirectConfiguration = .disallow
            configuration.connectionPool.retryConnectionEstablishment = false
            configuration.timeout.connect = .nanoseconds(Int64(connectTimeout / .nanoseconds(1)))
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[connectTimeout] = client
            return client
        }
    }
}
