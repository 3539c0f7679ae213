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
    }

    private let state = Mutex(Values())

    public init() {}

    public var values: Values { state.withLock { $0 } }

    func record(_ body: (inout Values) -> Void) { state.withLock { body(&$0) } }
}
