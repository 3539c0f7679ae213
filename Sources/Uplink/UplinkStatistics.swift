public import GatewayCore
import Synchronization

/// Counters of one uplink, read by the status endpoint.
public final class UplinkStatistics: Sendable {
    public struct Values: Sendable, Hashable {
        public var acknowledged = 0
        public var deadLettered = 0
        public var retries = 0
        public var heartbeats = 0
        public var lastAcknowledgement: Timestamp?
        public var lastError: String?
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
    }

    private let state = Mutex(Values())

    public init() {}

    public var values: Values { state.withLock { $0 } }

    func record(_ body: (inout Values) -> Void) { state.withLock { body(&$0) } }
}
