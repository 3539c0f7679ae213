public import GatewayCore

extension Quality.Reason {
    /// Parses the snake_case name that `description` gives (`sensor_fault`, `device_exception_2`);
    /// nil for an unknown name.
    public init?(text: String) {
        let simple: [String: Quality.Reason] = [
            "communication_failure": .communicationFailure, "timeout": .timeout,
            "gateway_path_failed": .gatewayPathFailed, "stale": .stale, "demoted": .demoted,
            "sensor_fault": .sensorFault, "out_of_range": .outOfRange, "frozen": .frozen,
            "maintenance": .maintenance, "inhibited": .inhibited, "warmup": .warmup, "config_error": .configError,
            "invalid_value": .invalidValue, "config_mismatch": .configMismatch,
        ]
        if let reason = simple[text] {
            self = reason
            return
        }
        let prefix = "device_exception_"
        guard text.hasPrefix(prefix) else { return nil }
        let digits = text.dropFirst(prefix.count)
        guard (1...3).contains(digits.count), digits.allSatisfy(\.isASCII), let code = UInt8(digits),
            String(code) == digits
        else { return nil }
        self = .deviceException(code)
    }
}
