/// A failed Modbus operation, with what failed, where and why, in words an engineer understands.
///
/// The `description` reads like `unit 3 at tcp://10.0.0.5:502: no reply within 500 ms reading holding 0..9`.
/// Match on ``kind`` to act on the cause.
public struct ModbusError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The device answered with a Modbus exception.
        case exception(ModbusException)
        /// No (complete) reply arrived within the response or byte timeout.
        case timeout(Duration)
        /// An RTU reply arrived with a wrong CRC: noise, wiring, or a wrong character format.
        case badCRC
        /// A reply came from a unit other than the one asked (shared bus or wrong unit id).
        case wrongUnit
        /// The reply did not fit the request (wrong length, transaction id or function code).
        case invalidResponse(String)
        /// The TCP server refused the connection (nothing listens on the port).
        case connectionRefused
        /// The TCP connection attempt timed out.
        case connectTimeout(Duration)
        /// The peer reset or closed the connection, or the write found it broken.
        case connectionReset
        /// The serial device could not be opened, or a host name could not be resolved.
        case cannotOpen(String)
        /// The request breaks a protocol limit and was not sent.
        case invalidRequest(String)
        /// A write was attempted on a link that does not allow writes; nothing was sent.
        case writeNotPermitted
        /// The endpoint URL or a serial setting is invalid.
        case invalidEndpoint(String)
        /// The task was cancelled before the request was sent.
        case cancelled
        /// Another operating-system error, by errno value and its text.
        case system(Int32, String)
    }

    public var kind: Kind
    /// The unit id the request was for.
    public var unit: UInt8?
    /// The link's endpoint URL.
    public var endpoint: String?
    /// What was being done, such as `reading holding 100..109`.
    public var operation: String?

    public init(_ kind: Kind, unit: UInt8? = nil, endpoint: String? = nil, operation: String? = nil) {
        self.kind = kind
        self.unit = unit
        self.endpoint = endpoint
        self.operation = operation
    }

    /// The cause alone, without unit, endpoint or operation.
    public var reason: String {
        switch kind {
        case .exception(let exception): exception.description
        case .timeout(let duration): "no reply within \(duration.chemgateMilliseconds)"
        case .badCRC: "reply with a bad CRC"
        case .wrongUnit: "reply came from another unit id"
        case .invalidResponse(let detail): "invalid reply (\(detail))"
        case .connectionRefused: "connection refused"
        case .connectTimeout(let duration): "no TCP connection within \(duration.chemgateMilliseconds)"
        case .connectionReset: "connection reset or closed by the device"
        case .cannotOpen(let detail): detail
        case .invalidRequest(let detail): detail
        case .writeNotPermitted:
            "writing is not permitted on this link (the gateway is read-only unless a device map allows a write)"
        case .invalidEndpoint(let detail): detail
        case .cancelled: "cancelled before the request was sent"
        case .system(let code, let text): "\(text) (errno \(code))"
        }
    }

    public var description: String {
        var prefix: [String] = []
        if let unit { prefix.append("unit \(unit)") }
        if let endpoint { prefix.append("at \(endpoint)") }
        let head = prefix.isEmpty ? "" : prefix.joined(separator: " ") + ": "
        switch (kind, operation) {
        case (.invalidRequest, let operation?), (.writeNotPermitted, let operation?):
            return head + operation + " refused before sending: " + reason
        case (_, let operation?):
            return head + reason + " " + operation
        case (_, nil):
            return head + reason
        }
    }

    /// What to check first, for the engineer reading the message at the device.
    public var hint: String? {
        switch kind {
        case .timeout:
            "check the unit id, wiring (A/B), baud rate and parity, and that the device is powered"
        case .badCRC:
            "check baud rate, parity and stop bits against the device, and the bus termination"
        case .wrongUnit:
            "two devices may share this unit id, or a reply from an earlier request arrived late"
        case .exception(.illegalDataAddress):
            "the device does not serve these addresses: check the register map (0-based address vs 4xxxx notation)"
        case .exception(.illegalFunction):
            "the device does not support this function code: check the table (holding vs input)"
        case .exception(let exception) where exception.isGatewayFailure:
            "the TCP gateway is up but the serial device behind it did not answer"
        case .connectionRefused:
            "nothing listens on that port: check the IP address, port and the device's Modbus TCP setting"
        case .connectTimeout:
            "the host does not answer: check the IP address, cable and firewall"
        default:
            nil
        }
    }
}

extension Duration {
    /// `500 ms`, `1.5 s`.
    var chemgateMilliseconds: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return "\(milliseconds) ms"
    }
}
