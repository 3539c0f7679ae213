/// One point's value at one moment: the common model every device is turned into.
public struct Reading: Sendable, Hashable {
    /// Why a reading was reported.
    public enum Report: String, Sendable, Hashable {
        /// The value or its quality changed (beyond the point's deadband).
        case change
        /// The periodic full snapshot of every point.
        case snapshot
        /// A poll of a point that reports every poll (`report: every_poll`), although nothing changed.
        case poll
    }

    public var gateway: String
    public var device: String
    public var point: String
    /// The platform's indicator code (指标编码 / 位号), where the site gives one.
    public var indicator: String?
    /// The engineering value; nil when there is none (the device did not answer, NaN, …) and always nil
    /// when the quality is bad: a faulted detector's 3276.7 %LEL is not a value (see ``raw``).
    public var value: Value?
    public var unit: String?
    public var quality: Quality
    /// When the transaction that read the value completed (UTC, ms).
    public var timestamp: Timestamp
    /// Monotonically increasing per gateway; assigned when the reading is emitted.
    public var sequence: UInt64
    public var report: Report
    /// Why ``timestamp`` may be wrong (the clock was unsynchronised or had just stepped), or nil.
    public var clock: ClockCondition?
    /// The point's registers as read, for diagnosis, on a bad reading that was read (a sentinel, a NE43
    /// fault, a device fault): `0x7FFF`, or the words in wire order `0x0123 0x4567`; a coil `0` or `1`.
    /// nil on good and uncertain readings and when nothing was read.
    public var raw: String?
    /// On a stale reading (`bad (stale)`), when the gateway found the point stale; ``timestamp`` then
    /// stays the time of the last successful read, so `ts` always means "measured at". nil otherwise.
    public var staleSince: Timestamp?

    public init(
        gateway: String,
        device: String,
        point: String,
        indicator: String? = nil,
        value: Value?,
        unit: String? = nil,
        quality: Quality,
        timestamp: Timestamp,
        sequence: UInt64 = 0,
        report: Report = .change,
        raw: String? = nil,
        staleSince: Timestamp? = nil
    ) {
        self.gateway = gateway
        self.device = device
        self.point = point
        self.indicator = indicator
        self.value = value
        self.unit = unit
        self.quality = quality
        self.timestamp = timestamp
        self.sequence = sequence
        self.report = report
        self.raw = raw
        self.staleSince = staleSince
    }
}
