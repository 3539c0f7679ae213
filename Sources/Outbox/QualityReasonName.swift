import GatewayCore

/// Turns the stored snake_case name of a ``Quality/Reason`` (its `description`) back into the reason.
enum QualityReasonName {
    private static let plain: [String: Quality.Reason] = Dictionary(
        uniqueKeysWithValues: [
            Quality.Reason.communicationFailure, .timeout, .gatewayPathFailed, .stale, .demoted, .sensorFault,
            .outOfRange, .frozen, .maintenance, .inhibited, .warmup, .configError, .invalidValue,
            .configMismatch,
        ]
        .map { ($0.description, $0) }
    )

    private static let exceptionPrefix = "device_exception_"

    /// The reason named `name`, or nil for a name this build does not know.
    static func reason(named name: String) -> Quality.Reason? {
        if let reason = plain[name] { return reason }
        if name.hasPrefix(exceptionPrefix), let code = UInt8(name.dropFirst(exceptionPrefix.count)) {
            return .deviceException(code)
        }
        return nil
    }
}
