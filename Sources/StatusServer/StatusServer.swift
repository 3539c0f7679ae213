public import GatewayCore
import Hummingbird
public import Logging
public import Prometheus
public import ServiceLifecycle

/// The status endpoint as a service: `/healthz`, `/readyz`, `/status`, `/metrics`, the status page
/// `/`, and `POST /devices/{id}/maintenance`.
///
/// It binds 127.0.0.1 unless told otherwise; binding any other address needs a token, and the
/// server refuses to start without one. With a token, every route but `/healthz` asks for it
/// (`Authorization: Bearer …`, or `?token=` for the page in a browser).
public struct StatusServer: Service {
    /// Why the server refuses to start.
    public struct ConfigurationError: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    private let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameters:
    ///   - host: the address to bind.
    ///   - port: the port (0 picks a free one).
    ///   - token: the access token, or nil.
    ///   - reporter: where the gateway's state comes from.
    ///   - registry: the Prometheus registry `/metrics` renders.
    /// - Throws: ``ConfigurationError`` for a non-loopback address without a token.
    public init(
        host: String,
        port: Int,
        token: String?,
        reporter: any HealthReporting,
        registry: PrometheusCollectorRegistry,
        logger: Logger
    ) throws {
        guard Self.isLoopback(host) || !(token ?? "").isEmpty else {
            throw ConfigurationError(
                description:
                    "the status endpoint would listen on \(host), beyond this machine, without a token: set status.token_env (and the variable) or listen on 127.0.0.1"
            )
        }
        let router = StatusRoutes.router(reporter: reporter, registry: registry, token: token, logger: logger)
        application = Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "chemgate"),
            logger: logger
        )
    }

    public func run() async throws {
        try await application.runService()
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

extension StatusServer: CustomStringConvertible {
    /// Short and without the token, for the service group's logs and errors.
    public var description: String { "status endpoint" }
}
