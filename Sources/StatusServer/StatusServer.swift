public import Foundation
public import GatewayCore
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
public import Prometheus
public import ServiceLifecycle
import Synchronization

/// The status endpoint as a service: `/healthz`, `/readyz`, `/status`, `/metrics`, the status page
/// `/`, and `POST /devices/{id}/maintenance`.
///
/// It binds 127.0.0.1 unless told otherwise; binding any other address needs a token, and the
/// server refuses to start without one. With a token, every route but `/healthz` asks for it
/// (`Authorization: Bearer …`, or `?token=` for the page in a browser). ``StatusServerLimits`` caps
/// the connections it holds and how long a client may take or idle.
public struct StatusServer: Service {
    /// Why the server refuses to start.
    public struct ConfigurationError: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    private let application: Application<RouterResponder<StatusRequestContext>>
    private let host: String
    private let port: Int
    private let listening: ListeningFlag

    /// - Parameters:
    ///   - host: the address to bind.
    ///   - port: the port (0 picks a free one).
    ///   - token: the access token, or nil.
    ///   - reporter: where the gateway's state comes from.
    ///   - registry: the Prometheus registry `/metrics` renders.
    ///   - limits: connection cap and timeouts.
    ///   - timeZone: the site's time zone, for the page's times; evaluated when the page is first drawn.
    ///   - onListening: called once the port is bound and the server accepts connections.
    /// - Throws: ``ConfigurationError`` for a non-loopback address without a token.
    public init(
        host: String,
        port: Int,
        token: String?,
        reporter: any HealthReporting,
        registry: PrometheusCollectorRegistry,
        limits: StatusServerLimits = .standard,
        timeZone: @autoclosure @escaping @Sendable () -> TimeZone = StatusRoutes.defaultTimeZone,
        logger: Logger,
        onListening: @escaping @Sendable (_ port: Int) -> Void = { _ in }
    ) throws {
        guard Self.isLoopback(host) || !(token ?? "").isEmpty else {
            throw ConfigurationError(
                description:
                    "the status endpoint would listen on \(host), beyond this machine, without a token: set status.token_env (and the variable) or listen on 127.0.0.1"
            )
        }
        self.host = host
        self.port = port
        let listening = ListeningFlag()
        self.listening = listening
        let router = StatusRoutes.router(
            reporter: reporter,
            registry: registry,
            token: token,
            timeZone: timeZone(),
            logger: logger
        )
        let bodyTimeout = limits.bodyTimeout
        application = Application(
            router: router,
            server: .http1(
                configuration: HTTP1Channel.Configuration(
                    additionalChannelHandlers: [RequestBodyDeadline(timeout: bodyTimeout)],
                    idleTimeout: Self.timeAmount(limits.idleTimeout),
                    httpDecoderConfiguration: .init(
                        maxHeaderFieldSize: limits.maxHeaderBytes,
                        maxHeaderListSize: limits.maxHeaderBytes,
                        maxHeaderFieldCount: 100
                    )
                )
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port),
                serverName: "chemgate",
                backlog: limits.backlog,
                availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)
            ),
            onServerRunning: { channel in
                listening.set()
                onListening(channel.localAddress?.port ?? port)
            },
            logger: logger
        )
    }

    /// Serves until graceful shutdown.
    /// - Throws: ``Failure`` naming the address and the cause when the port cannot be bound,
    ///   or when the server stops without being asked to (never a bare "service finished").
    public func run() async throws {
        do {
            // No signals of its own: the gateway's service group owns SIGTERM and shuts this down in
            // order. With Hummingbird's default (SIGTERM, SIGINT) the server could stop on the signal
            // before the group asked it to, and the stop was taken for a failure (exit 1).
            try await application.runService(gracefulShutdownSignals: [])
        } catch {
            guard listening.isSet else { throw Failure(host: host, port: port, cause: error) }
            throw Failure(host: host, port: port, cause: error, whileServing: true)
        }
        if Task.isCancelled || Task.isShuttingDownGracefully { return }
        throw Failure(host: host, port: port, cause: nil, whileServing: listening.isSet)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension StatusServer: CustomStringConvertible {
    /// Short and without the token, for the service group's logs and errors.
    public var description: String { "status endpoint" }
}

/// Whether the server got as far as listening; set on the event loop, read by `run`.
private final class ListeningFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() { value.store(true, ordering: .releasing) }

    var isSet: Bool { value.load(ordering: .acquiring) }
}
