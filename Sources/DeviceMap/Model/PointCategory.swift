/// What a point measures or reports; platforms group indicators by it.
public enum PointCategory: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Combustible, toxic or oxygen gas concentration (可燃/有毒气体浓度).
    case gas
    /// Tank or vessel level (液位).
    case level
    /// Temperature (温度).
    case temperature
    /// Pressure (压力).
    case pressure
    /// Flow or totalised flow (流量).
    case flow
    /// Valve position, interlock or emergency-shutdown state (阀位, 联锁, 紧急停车).
    case interlock
    /// The instrument's own state: status words, fault and alarm bits, modes (设备状态).
    case status
    /// Anything else worth recording (battery voltage, sensor temperature, cell life).
    case other

    public var description: String { rawValue }
}
