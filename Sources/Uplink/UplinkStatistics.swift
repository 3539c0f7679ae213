public import GatewayCore
public import Logging
import Synchronization

/// Counters of one uplink, read by the status endpoint and `/metrics`; with ``logTransitions(uplink:logger:)``,
/// also the log's "uplink down" and "uplink recovered" lines.
public final class UplinkStatistics: Sendable {
    public struct Values: Sendable, Hashable {
        public var acknowledged = 0
        public var deadLettered = 0
        public var retries = 0
        public var heartbeats = 0
        public var lastAcknowledgement: Timestamp?
        public var lastError: String?
        /// When a platform profile's point catalogue was last accepted (nil: never, or no catalogue).
        public var catalogueAcknowledgement: Timestamp?
        /// Records waiting for this platform, at the last sample (about every second while sending).
        public var backlog = 0
        /// The oldest waiting record's timestamp, at the last sample.
        public var oldestPending: Timestamp?
        /// `rising`, `falling` or `steady` (``BacklogTrend``).
        public var backlogTrend = "steady"
        /// How long the backlog has kept growing, in seconds; nil when it is not growing.
        public var backlogGrowingSeconds: Double?
        /// Why the backlog is a problem (too old, growing too long), naming the figures; nil when fine.
        public var backlogProblem: String?
        /// Batches waiting for the platform's answer now (HTTP: at most `in_flight`).
        public var inFlight = 0
        /// How many times the forwarder read the log for a batch (idle, it waits for appends instead).
        public var logReads = 0
    }

    private struct Watch {
        var uplink: String
        var logger: Logger
        /// Since when the uplink is not delivering, and its retry count then.
        var down: (since: ContinuousClock.Instant, retries: Int)?
    }

    private let state = Mutex(Values())
    private let watch = Mutex<Watch?>(nil)

    public init() {}

    public var values: Values { state.withLock { $0 } }

    /// Logs, at the default level, when the uplink stops delivering (the first failed attempt after
    /// a success or the start: a warning with the reason) and when it delivers again (a notice with
    /// how long it was down and how many attempts failed). The attempts in between are the
    /// forwarder's own warnings, which the log handler rate-limits.
    public func logTransitions(uplink: String, logger: Logger) {
        watch.withLock { $0 = Watch(uplink: uplink, logger: logger) }
    }

    func record(_ body: (inout Values) -> Void) {
        let (before, after) = state.withLock { values -> (Values, Values) in
            let before = values
            body(&values)
            return (before, values)
        }
        guard before.lastError != after.lastError else { return }
        noteTransition(from: before, to: after)
    }

    private func noteTransition(from before: Values, to after: Values) {
        let now = ContinuousClock.now
        watch.withLock { watch in
            guard var current = watch else { return }
            if before.lastError == nil, let reason = after.lastError {
                current.down = (now, before.retries)
                current.logger.warning(
                    "uplink down: batches are not delivered; retrying",
                    metadata: ["uplink": "\(current.uplink)", "reason": "\(Redaction.userinfo(in: reason))"]
                )
            } else if after.lastError == nil, let down = current.down {
                current.down = nil
                let failed = max(0, after.retries - down.retries)
                current.logger.notice(
                    "uplink recovered: the platform acknowledges again",
                    metadata: [
                        "uplink": "\(current.uplink)", "down_for": "\((now - down.since).readableDescription)",
                        "failed_attempts": "\(failed)",
                    ]
                )
            }
            watch = current
        }
    }
}
