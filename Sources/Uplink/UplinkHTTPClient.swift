public import AsyncHTTPClient

/// The HTTP client of the uplinks: AsyncHTTPClient's shared configuration, but redirects are never
/// followed. A platform that redirects gets the batch neither acknowledged by another host nor its
/// body POSTed where it was never configured to go; the uplink reports the new location instead.
public enum UplinkHTTPClient {
    /// One client for every uplink of the process (never shut down, like `HTTPClient.shared`).
    public static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
