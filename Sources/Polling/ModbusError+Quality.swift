public import GatewayCore
public import Modbus

extension Quality {
    /// The quality of values a failed request should have delivered.
    public init(_ error: ModbusError) {
        switch error.kind {
        case .timeout: self = .bad(.timeout)
        case .exception(let exception) where exception.isGatewayFailure: self = .bad(.gatewayPathFailed)
        case .exception(let exception): self = .bad(.deviceException(exception.rawValue))
        case .invalidRequest, .invalidEndpoint, .writeNotPermitted: self = .bad(.configError)
        default: self = .bad(.communicationFailure)
        }
    }
}

extension ModbusError {
    /// Whether the link itself failed (not one device): connection refused, reset or timed out,
    /// serial port missing. The link backs off before trying again; devices are not blamed.
    public var isLinkFailure: Bool {
        switch kind {
        case .connectionRefused, .connectionReset, .connectTimeout, .cannotOpen: true
        default: false
        }
    }

    /// Whether sending the same request again may succeed (no answer or a garbled one).
    public var isWorthRetrying: Bool {
        switch kind {
        case .timeout, .badCRC, .invalidResponse, .wrongUnit: true
        default: false
        }
    }
}
