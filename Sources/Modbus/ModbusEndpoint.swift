/// Where a Modbus link goes: a TCP server, a serial port, a serial device server carrying RTU frames
/// over TCP, or a DTU that connects in to the gateway.
public enum ModbusEndpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(TCPEndpoint)
    case rtu(SerialPort)
    /// Raw Modbus RTU frames (CRC included) over a TCP connection to a serial device server in
    /// transparent TCP-server mode (Moxa NPort, USR-TCP232 …).
    case rtuOverTCP(RTUOverTCPEndpoint)
    /// Raw Modbus RTU frames over a connection a 4G/GPRS DTU opens to the gateway's DTU listener,
    /// identified by its registration packet.
    case dtu(DTUEndpoint)

    /// The endpoint as a URL: `tcp://host:502`, `rtu:///dev/ttyUSB0?baud=9600&parity=E&data=8&stop=1`,
    /// `rtu+tcp://10.0.0.7:4001`, `dtu://860123456789012`.
    public var description: String {
        switch self {
        case .tcp(let endpoint): endpoint.description
        case .rtu(let port): port.description
        case .rtuOverTCP(let endpoint): endpoint.description
        case .dtu(let endpoint): endpoint.description
        }
    }

    /// Whether the link is a local serial (RS-485/RS-232) line.
    public var isSerial: Bool {
        if case .rtu = self { return true }
        return false
    }

    /// Whether the link carries Modbus RTU frames (unit ids 1–247, CRC, one transaction at a time):
    /// a local serial line, a serial device server or a DTU.
    public var isRTUFramed: Bool {
        if case .tcp = self { return false }
        return true
    }

    /// The character format of the RS-485 line, for the bus time estimate: the serial port itself,
    /// or the line behind a device server or DTU as its URL states it (9600 8E1 when it does not).
    public var lineFormat: SerialPort? {
        switch self {
        case .tcp: nil
        case .rtu(let port): port
        case .rtuOverTCP(let endpoint): endpoint.line
        case .dtu(let endpoint): endpoint.line
        }
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

/// A serial device server in transparent TCP-server mode: `rtu+tcp://HOST:PORT`.
public struct RTUOverTCPEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The character format of the RS-485 line behind the server, as configured in the server
    /// (used only to estimate the bus time; the server does the serial side itself).
    public var line: SerialPort

    public init(host: String, port: Int, line: SerialPort) {
        self.host = host
        self.port = port
        self.line = line
    }

    public var description: String {
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        return "rtu+tcp://\(authority)" + line.querySuffix
    }
}

/// A DTU known by its registration id: `dtu://ID`.
public struct DTUEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The id the DTU's registration packet carries (its configured id, IMEI or ICCID).
    public var registrationID: String
    /// The character format of the RS-485 line behind the DTU (for the bus time estimate).
    public var line: SerialPort

    public init(registrationID: String, line: SerialPort) {
        self.registrationID = registrationID
        self.line = line
    }

    public var description: String { "dtu://\(registrationID)" + line.querySuffix }
}

extension SerialPort {
    /// `?baud=…` for a line behind a device server or DTU; empty for the default 9600 8E1.
    var querySuffix: String {
        guard baud != 9600 || parity != .even || dataBits != 8 || stopBits != 1 else { return "" }
        return "?baud=\(baud)&parity=\(parity.rawValue)&data=\(dataBits)&stop=\(stopBits)"
    }
}
