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
    /// The engineering value; nil when there is none (the device did not answer, NaN, …).
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
        report: Report = .change
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
    }
}
