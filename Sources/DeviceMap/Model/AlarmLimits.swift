/// Alarm limits of an analog point, in engineering units. Evaluated at the edge by the poller.
///
/// Gas detectors use two rising levels (一级/二级 alarm, GB/T 50493-2019): written `level1` and
/// `level2`, they are the `high` and `highHigh` limits with those names.
public struct AlarmLimits: Sendable, Hashable {
    public var lowLow: Double?
    public var low: Double?
    public var high: Double?
    public var highHigh: Double?
    /// Whether `high` and `highHigh` were written as gas levels 1 and 2.
    public var gasLevels: Bool
    /// How far a value must return past a limit before its alarm clears (hysteresis).
    public var deadband: Double?
    /// How long a limit must be exceeded before the alarm is raised.
    public var onDelay: Duration?
    /// How long a value must be back before the alarm clears.
    public var offDelay: Duration?

    public init(
        lowLow: Double? = nil,
        low: Double? = nil,
        high: Double? = nil,
        highHigh: Double? = nil,
        gasLevels: Bool = false,
        deadband: Double? = nil,
        onDelay: Duration? = nil,
        offDelay: Duration? = nil
    ) {
        self.lowLow = lowLow
        self.low = low
        self.high = high
        self.highHigh = highHigh
        self.gasLevels = gasLevels
        self.deadband = deadband
        self.onDelay = onDelay
        self.offDelay = offDelay
    }

    /// Whether no limit is set.
    public var isEmpty: Bool { lowLow == nil && low == nil && high == nil && highHigh == nil }

    /// These limits with every field set in `override` replacing this one's.
    public func merged(with override: AlarmLimits) -> AlarmLimits {
        AlarmLimits(
            lowLow: override.lowLow ?? lowLow,
            low: override.low ?? low,
            high: override.high ?? high,
            highHigh: override.highHigh ?? highHigh,
            gasLevels: override.gasLevels || gasLevels,
            deadband: override.deadband ?? deadband,
            onDelay: override.onDelay ?? onDelay,
            offDelay: override.offDelay ?? offDelay
        )
    }

    /// `level1 25, level2 50` or `LL 1, L 2, H 8, HH 9`.
    public var summary: String {
        var parts: [String] = []
        if let lowLow { parts.append("LL \(lowLow.compact)") }
        if let low { parts.append("L \(low.compact)") }
        if let high { parts.append(gasLevels ? "level1 \(high.compact)" : "H \(high.compact)") }
        if let highHigh { parts.append(gasLevels ? "level2 \(highHigh.compact)" : "HH \(highHigh.compact)") }
        return parts.joined(separator: ", ")
    }
}

extension Double {
    /// `25` rather than `25.0`; other values as Swift prints them.
    var compact: String {
        self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }
}
