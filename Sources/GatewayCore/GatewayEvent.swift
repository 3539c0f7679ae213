/// An alarm or state change: the priority stream that reaches the platform before any backlog.
public struct GatewayEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case alarmRaised = "alarm_raised"
        case alarmCleared = "alarm_cleared"
        /// An active alarm, or one that would be raised, is suppressed (calibration, inhibit, maintenance).
        case alarmSuppressed = "alarm_suppressed"
        case deviceDemoted = "device_demoted"
        case deviceRecovered = "device_recovered"
        case linkDown = "link_down"
        case linkUp = "link_up"
        /// The durable log was deleted or replaced under the running gateway, or a corrupted log was
        /// moved aside and a new one started (with a new log id).
        case logReplaced = "log_replaced"
        /// The durable log stores again after refusing (a full disk); what was read meanwhile waited in memory.
        case storageRecovered = "storage_recovered"
        /// Free space on the log's file system fell below `storage.min_free`: the log's size cap is
        /// tightened (acknowledged rows first, never events) until there is room again.
        case diskLow = "disk_low"
        /// Free space on the log's file system is back above `storage.min_free` (with a margin).
        case diskOK = "disk_ok"
        /// The wall clock jumped against the monotonic clock (NTP stepped it, someone set it): `value` is
        /// the step in seconds (positive: forward), `unit` is `s`.
        case clockStep = "clock_step"
        /// The gateway took a new configuration (SIGHUP or `chemgate reload`); the reason names the devices
        /// added, removed and changed.
        case configReloaded = "config_reloaded"
        /// A device was put in maintenance at run time (`POST /devices/{id}/maintenance`); `reason` names
        /// the operator (when given) and the client's address.
        case maintenanceOn = "maintenance_on"
        /// A device was taken out of maintenance at run time.
        case maintenanceOff = "maintenance_off"
        /// A point's own value reports a sensor fault (NAMUR NE43 fault current, fault sentinel): once per
        /// episode, not at every reading.
        case pointFault = "point_fault"
        /// The point's fault episode ended: its value is no longer a fault.
        case pointFaultCleared = "point_fault_cleared"
    }

    public var kind: Kind
    public var gateway: String
    public var device: String?
    public var point: String?
    public var link: String?
    public var indicator: String?
    /// The alarm level, for alarm events.
    public var level: AlarmLevel?
    /// The value that raised or cleared the alarm.
    public var value: Value?
    /// The limit crossed.
    public var limit: Double?
    public var unit: String?
    public var timestamp: Timestamp
    /// Why, in words: `value 27.5 %LEL ≥ level1 25`, `3 failed cycles in a row`.
    public var reason: String
    public var sequence: UInt64

    public init(
        kind: Kind,
        gateway: String,
        device: String? = nil,
        point: String? = nil,
        link: String? = nil,
        indicator: String? = nil,
        level: AlarmLevel? = nil,
        value: Value? = nil,
        limit: Double? = nil,
        unit: String? = nil,
        timestamp: Timestamp,
        reason: String,
        sequence: UInt64 = 0
    ) {
        self.kind = kind
        self.gateway = gateway
        self.device = device
        self.point = point
        self.link = link
        self.indicator = indicator
        self.level = level
        self.value = value
        self.limit = limit
        self.unit = unit
        self.timestamp = timestamp
        self.reason = reason
        self.sequence = sequence
    }
}

/// The alarm levels a point can raise.
public enum AlarmLevel: String, Sendable, Hashable, CaseIterable {
    case lowLow = "LL"
    case low = "L"
    case high = "H"
    case highHigh = "HH"
    /// Gas detectors' first-level alarm (一级报警).
    case level1
    /// Gas detectors' second-level alarm (二级报警).
    case level2
    /// The device's own first alarm bit.
    case deviceAlarm1 = "device_alarm1"
    /// The device's own second alarm bit.
    case deviceAlarm2 = "device_alarm2"
    /// The device reports a fault.
    case deviceFault = "device_fault"
}
