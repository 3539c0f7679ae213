/// How far a value can be trusted, with the reason when it cannot: OPC UA's good / uncertain / bad
/// plus a substatus. Quality travels with every value, from the decoder to the platform.
public struct Quality: Sendable, Hashable, CustomStringConvertible {
    /// The three trust levels.
    public enum Level: String, Sendable, Hashable, Comparable, CaseIterable {
        case good
        case uncertain
        case bad

        private var rank: Int {
            switch self {
            case .good: 0
            case .uncertain: 1
            case .bad: 2
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
    }

    /// Why a value is not good.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The device could not be reached (connection refused, reset, serial port gone).
        case communicationFailure
        /// The device did not answer in time.
        case timeout
        /// The device answered with Modbus exception N.
        case deviceException(UInt8)
        /// A TCP gateway answered for a serial device behind it that did not (exception 0A or 0B).
        case gatewayPathFailed
        /// The value was not refreshed within its scan period's allowance.
        case stale
        /// The device failed repeatedly and is polled less often until it answers.
        case demoted
        /// The instrument reports a sensor fault (status bit, sentinel value, NAMUR NE43 band).
        case sensorFault
        /// The value is outside the instrument's measuring range.
        case outOfRange
        /// The value has not changed for longer than a live sensor would allow.
        case frozen
        /// The device is in maintenance: its values are not for alarming.
        case maintenance
        /// The instrument is in calibration or has its alarms inhibited.
        case inhibited
        /// The instrument is warming up.
        case warmup
        /// The device map or site configuration is wrong for this point (e.g. the device refuses its address).
        case configError
        /// The registers hold no number (NaN or infinity in a float).
        case invalidValue
        /// The device reports a value the map asserts it never has (`expect`: a unit code, an exponent, a
        /// cartridge type), so the values that depend on it cannot be read as the map says.
        case configMismatch

        /// The snake_case name used in logs, JSON and the status page.
        public var description: String {
            switch self {
            case .communicationFailure: "communication_failure"
            case .timeout: "timeout"
            case .deviceException(let code): "device_exception_\(code)"
            case .gatewayPathFailed: "gateway_path_failed"
            case .stale: "stale"
            case .demoted: "demoted"
            case .sensorFault: "sensor_fault"
            case .outOfRange: "out_of_range"
            case .frozen: "frozen"
            case .maintenance: "maintenance"
            case .inhibited: "inhibited"
            case .warmup: "warmup"
            case .configError: "config_error"
            case .invalidValue: "invalid_value"
            case .configMismatch: "config_mismatch"
            }
        }
    }

    public var level: Level
    /// Why the value is not good; nil for good values.
    public var reason: Reason?

    public init(_ level: Level, _ reason: Reason? = nil) {
        self.level = level
        self.reason = reason
    }

    public static let good = Quality(.good)

    public static func uncertain(_ reason: Reason) -> Quality { Quality(.uncertain, reason) }

    public static func bad(_ reason: Reason) -> Quality { Quality(.bad, reason) }

    public var isGood: Bool { level == .good }

    /// The worse of two qualities; on a tie, the first.
    public func worst(_ other: Quality) -> Quality { other.level > level ? other : self }

    /// `good`, `uncertain (warmup)`, `bad (sensor_fault)`.
    public var description: String {
        guard let reason else { return level.rawValue }
        return "\(level.rawValue) (\(reason))"
    }
}
