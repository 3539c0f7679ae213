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
