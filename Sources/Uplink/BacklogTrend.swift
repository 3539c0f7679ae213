public import GatewayCore

/// Whether an uplink's backlog is a problem: its oldest record too old, or the backlog growing for too
/// long. A pure state machine fed with samples of the pending count; it never reads a clock.
public struct BacklogTrend: Sendable {
    /// Samples closer together than this are not compared (the count moves with every batch).
    public static let sampleInterval: Duration = .seconds(5)

    public let maxAge: Duration
    public let maxGrowth: Duration
    /// Records waiting, at the last sample.
    public private(set) var records = 0
    /// The oldest waiting record's timestamp, at the last sample.
    public private(set) var oldest: Timestamp?
    /// `rising`, `falling` or `steady`: the last two samples compared.
    public private(set) var trend = "steady"
    /// Since when (time since the caller's origin) the backlog has grown at every sample; nil when not growing.
    public private(set) var growingSince: Duration?
    private var lastCompared: (time: Duration, records: Int)?
    private var lastTime: Duration = .zero

    public init(maxAge: Duration, maxGrowth: Duration) {
        self.maxAge = maxAge
        self.maxGrowth = maxGrowth
    }

    /// Records a sample taken at `time` (since the caller's origin).
    public mutating func observe(records: Int, oldest: Timestamp?, at time: Duration) {
        self.records = records
        self.oldest = oldest
        lastTime = time
        if records == 0 {
            trend = "steady"
            growingSince = nil
            lastCompared = (time, 0)
            return
        }
        guard let previous = lastCompared else {
            lastCompared = (time, records)
            return
        }
        guard time - previous.time >= Self.sampleInterval else { return }
        if records > previous.records {
            trend = "rising"
            if growingSince == nil { growingSince = previous.time }
        } else {
            trend = records < previous.records ? "falling" : "steady"
            growingSince = nil
        }
        lastCompared = (time, records)
    }

    /// How long the backlog has been growing, at the last sample.
    public var growingFor: Duration? { growingSince.map { lastTime - $0 } }

    /// The problem, in words, naming the figures; nil when the backlog is fine.
    public func problem(uplink: String, now: Timestamp) -> String? {
        Self.problem(
            uplink: uplink,
            records: records,
            oldest: oldest,
            trend: trend,
            growingFor: growingFor,
            maxAge: maxAge,
            maxGrowth: maxGrowth,
            now: now
        )
    }

    /// The problem of a backlog of `records` whose oldest record is `oldest`: older than `maxAge`, or
    /// growing for longer than `maxGrowth`; nil when it is fine.
    public static func problem(
        uplink: String,
        records: Int,
        oldest: Timestamp?,
        trend: String,
        growingFor: Duration?,
        maxAge: Duration,
        maxGrowth: Duration,
        now: Timestamp
    ) -> String? {
        guard records > 0 else { return nil }
        if let oldest, case let age = Duration.milliseconds(now.milliseconds - oldest.milliseconds), age > maxAge {
            return "uplink \(uplink) is behind: \(records) records waiting, the oldest \(age.readableDescription) old "
                + "(backlog_max_age \(maxAge.readableDescription)), backlog \(trend)"
        }
        if let growing = growingFor, growing > maxGrowth {
            return "uplink \(uplink) is falling behind: its backlog (\(records) records) has grown for "
                + "\(growing.readableDescription) (backlog_max_growth \(maxGrowth.readableDescription))"
        }
        return nil
    }
}
