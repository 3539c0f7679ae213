/// Alarm limits of one analog point, in engineering units.
///
/// Any limit may be nil: that level is then not evaluated. High limits (`high`, `highHigh`) are in
/// condition when the value is ≥ the limit; low limits (`low`, `lowLow`) when it is ≤ the limit.
public struct AlarmSettings: Sendable, Hashable {
    /// The low-low limit: in condition when value ≤ `lowLow`. Reported as `AlarmLevel.lowLow`.
    public var lowLow: Double?
    /// The low limit: in condition when value ≤ `low`. Reported as `AlarmLevel.low`.
    public var low: Double?
    /// The high limit: in condition when value ≥ `high`. Reported as `AlarmLevel.high`, or `.level1` with `gasLevels`.
    public var high: Double?
    /// The high-high limit: in condition when value ≥ `highHigh`. Reported as `AlarmLevel.highHigh`, or `.level2`
    /// with `gasLevels`.
    public var highHigh: Double?
    /// When true, `high` and `highHigh` are gas levels 1 and 2 and are reported as `AlarmLevel.level1` and
    /// `AlarmLevel.level2` instead of `.high` and `.highHigh`.
    public var gasLevels: Bool
    /// Hysteresis, in engineering units: an active high level clears only when value < limit − deadband, an
    /// active low level only when value > limit + deadband. A negative or NaN deadband is treated as 0.
    public var deadband: Double
    /// How long a level's condition must hold continuously before it is raised. Zero raises at once.
    public var onDelay: Duration
    /// How long a level's clear condition must hold continuously before it is cleared. Zero clears at once.
    public var offDelay: Duration

    /// Creates alarm settings; every limit is optional and unset limits are not evaluated.
    public init(
        lowLow: Double? = nil,
        low: Double? = nil,
        high: Double? = nil,
        highHigh: Double? = nil,
        gasLevels: Bool = false,
        deadband: Double = 0,
        onDelay: Duration = .zero,
        offDelay: Duration = .zero
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
}
