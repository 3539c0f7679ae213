/// A Modbus exception code sent by a device in reply to a request it refused.
///
/// Match on the static members: `if case .exception(.illegalDataAddress) = error.kind { … }`.
public struct ModbusException: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let illegalFunction = ModbusException(rawValue: 1)
    public static let illegalDataAddress = ModbusException(rawValue: 2)
    public static let illegalDataValue = ModbusException(rawValue: 3)
    public static let serverDeviceFailure = ModbusException(rawValue: 4)
    public static let acknowledge = ModbusException(rawValue: 5)
    public static let serverDeviceBusy = ModbusException(rawValue: 6)
    public static let negativeAcknowledge = ModbusException(rawValue: 7)
    public static let memoryParityError = ModbusException(rawValue: 8)
    public static let gatewayPathUnavailable = ModbusException(rawValue: 10)
    public static let gatewayTargetFailedToRespond = ModbusException(rawValue: 11)

    /// The name the Modbus application protocol specification gives the code.
    public var name: String {
        switch rawValue {
        case 1: "illegal function"
        case 2: "illegal data address"
        case 3: "illegal data value"
        case 4: "server device failure"
        case 5: "acknowledge"
        case 6: "server device busy"
        case 7: "negative acknowledge"
        case 8: "memory parity error"
        case 10: "gateway path unavailable"
        case 11: "gateway target device failed to respond"
        default: "unknown exception"
        }
    }

    /// Whether `code` is an exception code the Modbus application protocol defines (01–08, 0A, 0B).
    /// Any other code (00, 09, 0C…FF) is a malformed reply, not an exception.
    public static func isDefined(_ code: UInt8) -> Bool { (1...8).contains(code) || code == 10 || code == 11 }

    /// The reason given for a reply carrying an exception code the protocol does not define.
    static func invalidCodeText(_ code: UInt8?) -> String {
        let named = code.map { "code \($0)" } ?? "code above 11"
        return "the device answered an invalid exception \(named) "
            + "(Modbus defines 01–08, 0A and 0B): a device or gateway fault, not a refusal"
    }

    /// Whether a gateway (TCP to RTU) answered for a field device it could not reach.
    public var isGatewayFailure: Bool { rawValue == 10 || rawValue == 11 }

    /// `exception 02 (illegal data address)`.
    public var description: String {
        let code = rawValue < 10 ? "0\(rawValue)" : "\(rawValue)"
        return "exception \(code) (\(name))"
    }
}
