import Logging
import ServiceLifecycle
import UnixSignals

/// The signals `chemgate run` answers without stopping (docs: README "Signals"):
/// - SIGHUP reloads the configuration (``ConfigReloader``): applied if valid, else logged with its
///   errors while the running configuration stays. Never fatal: trapped before anything else starts,
///   and still caught (left pending) once the gateway stops.
/// - SIGUSR1 logs a one-line summary of the gateway's state.
///
/// SIGTERM, SIGINT and SIGQUIT stop the gateway gracefully (the service group's signals).
struct SignalResponder: Service, CustomStringConvertible {
    /// The signals this service takes over from their default action (which ends the process).
    static let signals: [UnixSignal] = [.sighup, .sigusr1]

    let signals: UnixSignalsSequence
    let logger: Logger
    /// The one-line summary SIGUSR1 logs.
    let summary: @Sendable () async -> String
    /// Reloads the configuration (SIGHUP).
    let reload: @Sendable () async -> Void

    init(
        signals: UnixSignalsSequence,
        logger: Logger,
        summary: @escaping @Sendable () async -> String,
        reload: @escaping @Sendable () async -> Void
    ) {
        self.signals = signals
        self.logger = logger
        self.summary = summary
        self.reload = reload
    }

    /// Registers the handlers: from its return on, SIGHUP and SIGUSR1 no longer end the process.
    /// Call it first thing; the signals wait in the sequence until the service runs.
    static func trap() async -> UnixSignalsSequence {
        await UnixSignalsSequence(trapping: signals)
    }

    func run() async throws {
        for await signal in signals.cancelOnGracefulShutdown() {
            switch signal {
            case .sighup:
                logger.notice("SIGHUP received: reloading the configuration")
                await reload()
            case .sigusr1:
                let line = await summary()
                logger.notice("SIGUSR1 received: \(line)")
            default:
                break
            }
        }
    }

    var description: String { "signal handlers" }
}
