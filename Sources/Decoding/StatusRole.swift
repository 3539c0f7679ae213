public import GatewayCore

/// What a status bit, enum value or sentinel says about the values it qualifies.
public enum StatusRole: String, Sendable, Hashable, CaseIterable {
    /// The instrument reports a sensor fault.
    case fault
    /// First (low) alarm level.
    case alarm1
    /// Second (high) alarm level.
    case alarm2
    /// Alarms inhibited or calibration in progress.
    case inhibit
    /// The reading is beyond the sensor's range.
    case overRange = "over_range"
    /// The device lost contact with its sensor or a downstream device.
    case commFault = "comm_fault"
    /// The sensor is warming up.
    case warmup
    /// The device is in maintenance.
    case maintenance
    /// The device reports a value the map says it never has (an `expect` assertion failed, or a state
    /// marked so): the values it qualifies cannot be read as the map describes them.
    case configMismatch = "config_mismatch"

    /// The quality the role imposes: fault → bad(sensorFault); overRange → uncertain(outOfRange);
    /// commFault → bad(communicationFailure); warmup → uncertain(warmup); inhibit → uncertain(inhibited);
    /// maintenance → uncertain(maintenance); configMismatch → bad(configMismatch); alarm1, alarm2 → nil (an alarm is not a quality problem).
    public var quality: Quality? {
        switch self {
        case .fault: .bad(.sensorFault)
        case .alarm1, .alarm2: nil
        case .inhibit: .uncertain(.inhibited)
        case .overRange: .uncertain(.outOfRange)
        case .commFault: .bad(.communicationFailure)
        case .warmup: .uncertain(.warmup)
        case .maintenance: .uncertain(.maintenance)
        case .configMismatch: .bad(.configMismatch)
        }
    }
}
