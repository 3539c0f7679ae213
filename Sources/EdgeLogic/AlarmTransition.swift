public import GatewayCore

/// What happened to one alarm level.
public struct AlarmTransition: Sendable, Hashable {
    /// The kind of change.
    public enum Kind: Sendable, Hashable {
        /// The level became active.
        case raised
        /// The level stopped being active because its clear condition held.
        case cleared
        /// The level was active and was dropped because the instrument or device became suppressed
        /// (calibration, inhibit, maintenance).
        case suppressed
    }

    /// The kind of change.
    public var kind: Kind
    /// The level that changed, as reported to the platform.
    public var level: AlarmLevel
    /// The limit of that level (nil for device flag alarms).
    public var limit: Double?
    /// The value that caused it (nil when none, e.g. for flag alarms or a suppression without a usable value).
    public var value: Double?

    /// Creates a transition.
    public init(kind: Kind, level: AlarmLevel, limit: Double? = nil, value: Double? = nil) {
        self.kind = kind
        self.level = level
        self.limit = limit
        self.value = value
    }
}
