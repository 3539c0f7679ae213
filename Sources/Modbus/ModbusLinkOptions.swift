/// How a link talks to its devices.
public struct ModbusLinkOptions: Sendable, Hashable {
    /// Whether a link may send write requests (function codes 5, 6, 15, 16).
    public enum WriteAccess: Sendable, Hashable {
        /// Every write is refused before it reaches the wire. The default: chemgate monitors, it does not actuate.
        case denied
        /// Writes are sent. Grant this only where a device map explicitly allows a write.
        case allowed
    }

    /// How long to wait for the first byte of a reply (or the whole reply when `byteTimeout` is nil).
    public var responseTimeout: Duration
    /// The longest silence allowed between two bytes of one reply; nil disables the check.
    public var byteTimeout: Duration?
    /// On TCP, close and reopen the connection after this many timeouts in a row (a half-open
    /// connection shows only as timeouts, since libmodbus sets no keepalive). On a link shared by
    /// several units the streak must span at least two of them, so one dead unit behind a TCP
    /// gateway does not reset its neighbours' connection.
    public var reconnectAfterTimeouts: Int
    /// Whether writes are sent.
    public var writeAccess: WriteAccess
    /// Silence after opening the connection or port, for devices that need it before the first request.
    public var pauseAfterConnect: Duration = .zero
    /// On `rtu+tcp://` links, how long connecting to the serial device server may take.
    public var connectTimeout: Duration = .seconds(3)

    public init(
        responseTimeout: Duration = .milliseconds(500),
        byteTimeout: Duration? = .milliseconds(500),
        reconnectAfterTimeouts: Int = 3,
        writeAccess: WriteAccess = .denied
    ) {
        self.responseTimeout = responseTimeout
        self.byteTimeout = byteTimeout
        self.reconnectAfterTimeouts = reconnectAfterTimeouts
        self.writeAccess = writeAccess
    }
}

/// Counters of one link since it was created.
public struct LinkStatistics: Sendable, Hashable {
    /// Requests sent.
    public var transactions = 0
    /// Requests that failed, by any cause.
    public var failures = 0
    /// Failures that were timeouts.
    public var timeouts = 0
    /// Successful connects (or serial port opens) after the first.
    public var reconnects = 0
    /// Successful connects including the first.
    public var connects = 0
    /// Round-trip time of the last successful transaction.
    public var lastRoundTrip: Duration?
    /// Bytes read and thrown away because no request was waiting for them: late replies, the rest
    /// of a bad frame, noise.
    public var lateBytesDiscarded = 0
    /// Failures by kind (`timeout`, `exception_02`, `bad_crc`, `connection_refused`, …).
    public var errors: [String: Int] = [:]
    /// The most recent round-trip times (up to 256), for percentiles; not in time order once full
    /// (a ring: the oldest is overwritten, instead of shifting 255 values at every transaction).
    public var recentRoundTrips: [Duration] = []
    /// Where the next round-trip time goes once ``recentRoundTrips`` is full.
    private var nextRoundTripSlot = 0

    public init() {}

    /// The `fraction` percentile (0…1) of the recent round-trip times.
    public func roundTripPercentile(_ fraction: Double) -> Duration? {
        guard !recentRoundTrips.isEmpty else { return nil }
        let sorted = recentRoundTrips.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
        return sorted[index]
    }

    mutating func recordRoundTrip(_ duration: Duration) {
        lastRoundTrip = duration
        if recentRoundTrips.count < 256 {
            recentRoundTrips.append(duration)
        } else {
            recentRoundTrips[nextRoundTripSlot] = duration
            nextRoundTripSlot = (nextRoundTripSlot + 1) % 256
        }
    }
}
