/// Where a Modbus link goes: a TCP server or a serial port.
public enum ModbusEndpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(TCPEndpoint)
    case rtu(SerialPort)

    /// The endpoint as a URL: `tcp://host:502` or `rtu:///dev/ttyUSB0?baud=9600&parity=E&data=8&stop=1`.
    public var description: String {
        switch self {
        case .tcp(let endpoint): endpoint.description
        case .rtu(let port): port.description
        }
    }

    /// Whether the link is a serial (RS-485/RS-232) line.
    public var isSerial: Bool {
        if case .rtu = self { return true }
        return false
    }
}

/// A Modbus TCP server address.
public struct TCPEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The standard Modbus TCP port.
    public static let defaultPort = 502

    public var host: String
    public var port: Int

    public init(host: String, port: Int = TCPEndpoint.defaultPort) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
    }
}
