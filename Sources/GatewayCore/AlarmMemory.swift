/// What one point's edge alarms remember between polls, persisted in the durable log so that a restart
/// (or `kill -9`) neither raises an active alarm a second time nor forgets one that cleared meanwhile.
///
/// Only levels with something to remember are listed: an active level, a level whose on- or
/// off-delay is running, or a level that was active when suppression began. A memory with no levels
/// and no point fault means "nothing to remember" and removes the point's stored state.
public struct AlarmMemory: Sendable, Hashable {
    /// One level's state.
    public struct Level: Sendable, Hashable {
        /// The level as reported (`level1`, `HH`, `device_fault`…).
        public var level: AlarmLevel
        /// Raised and not cleared.
        public var active: Bool
        /// When it was raised (active levels).
        public var since: Timestamp?
        /// When its pending on-delay (inactive) or off-delay (active) started, wall clock.
        public var pendingSince: Timestamp?
        /// It was active when suppression (calibration, inhibit, warm-up, maintenance) began: it gets an
        /// `alarm_cleared` when suppression ends with the value back to normal, or is raised again.
        public var suppressed: Bool
        /// The value that raised it.
        public var value: Double?
        /// Its limit (nil for device flags).
        public var limit: Double?

        public init(
            level: AlarmLevel,
            active: Bool,
            since: Timestamp? = nil,
            pendingSince: Timestamp? = nil,
            suppressed: Bool = false,
            value: Double? = nil,
            limit: Double? = nil
        ) {
            self.level = level
            self.active = active
            self.since = since
            self.pendingSince = pendingSince
            self.suppressed = suppressed
            self.value = value
            self.limit = limit
        }
    }

    public var device: String
    public var point: String
    public var levels: [Level]
    /// When the point's current fault episode (NE43 fault current, fault sentinel) began; nil outside one.
    public var pointFaultSince: Timestamp?

    public init(device: String, point: String, levels: [Level] = [], pointFaultSince: Timestamp? = nil) {
        self.device = device
        self.point = point
        self.levels = levels
        self.pointFaultSince = pointFaultSince
    }

    /// Nothing to remember.
    public var isEmpty: Bool { levels.isEmpty && pointFaultSince == nil }
}

/// A maintenance switch made at run time (`POST /devices/{id}/maintenance`), as the log keeps it.
public struct MaintenanceSwitch: Sendable, Hashable {
    public var device: String
    public var on: Bool
    public var at: Timestamp
    /// The event's reason: who (the operator, when given, and the client's address).
    public var reason: String

    public init(device: String, on: Bool, at: Timestamp, reason: String = "") {
        self.device = device
        self.on = on
        self.at = at
        self.reason = reason
    }
}
