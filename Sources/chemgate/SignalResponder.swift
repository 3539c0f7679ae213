import Logging
import ServiceLifecycle
import UnixSignals

/// The signals `chemgate run` answers without stopping (docs: README "Signals"):
/// - SIGHUP is reserved for reloading the configuration, which does not exist yet: it is logged
///   and the running configuration stays (never fatal).
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

    init(signals: UnixSignalsSequence, logger: Logger, summary: @escaping @Sendable () async -> String) {
        self.signals = signals
        self.logger = logger
        self.summary = summary
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
                logger.warning(
                    "SIGHUP received: configuration reload is not available yet; the running configuration stays"
                )
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
