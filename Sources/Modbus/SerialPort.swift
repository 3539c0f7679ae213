/// A serial port and its character format, for Modbus RTU.
public struct SerialPort: Sendable, Hashable, CustomStringConvertible {
    /// Parity of each character.
    public enum Parity: String, Sendable, Hashable, CaseIterable {
        case none = "N"
        case even = "E"
        case odd = "O"
    }

    /// Baud rates libmodbus 3.1.6 configures on Linux (`_modbus_rtu_connect`, modbus-rtu.c).
    /// Any other rate is silently replaced by 9600 there, so chemgate refuses it up front.
    public static let supportedBaudRates: [Int] = [
        110, 300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 500000,
        576000, 921600, 1_000_000, 1_152_000, 1_500_000, 2_500_000, 3_000_000, 3_500_000, 4_000_000,
    ]

    public var path: String
    public var baud: Int
    public var parity: Parity
    public var dataBits: Int
    public var stopBits: Int

    /// Creates a serial port description after checking every setting.
    ///
    /// The Modbus serial line specification's default character format is 8 data bits, even parity,
    /// 1 stop bit (8E1).
    /// - Throws: ``ModbusError`` of kind `invalidEndpoint`, naming the setting and what is allowed.
    public init(
        path: String,
        baud: Int = 9600,
        parity: Parity = .even,
        dataBits: Int = 8,
        stopBits: Int = 1
    ) throws(ModbusError) {
        guard !path.isEmpty else {
            throw ModbusError(.invalidEndpoint("the serial device path is empty (for example rtu:///dev/ttyUSB0)"))
        }
        guard Self.supportedBaudRates.contains(baud) else {
            let near = Self.supportedBaudRates.min { abs($0 - baud) < abs($1 - baud) } ?? 9600
            throw ModbusError(
                .invalidEndpoint(
                    "baud rate \(baud) is not supported: libmodbus 3.1.6 would silently use 9600 instead; "
                        + "supported rates include 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200 "
                        + "(nearest: \(near))"
                )
            )
        }
        guard (7...8).contains(dataBits) else {
            throw ModbusError(.invalidEndpoint("data bits must be 7 or 8 (Modbus RTU uses 8), not \(dataBits)"))
        }
        guard (1...2).contains(stopBits) else {
            throw ModbusError(.invalidEndpoint("stop bits must be 1 or 2, not \(stopBits)"))
        }
        self.path = path
        self.baud = baud
        self.parity = parity
        self.dataBits = dataBits
        self.stopBits = stopBits
    }

    /// Bits on the wire per character: start bit, data bits, parity bit if any, stop bits.
    public var bitsPerCharacter: Int { 1 + dataBits + (parity == .none ? 0 : 1) + stopBits }

    /// `rtu:///dev/ttyUSB0?baud=9600&parity=E&data=8&stop=1`.
    public var description: String {
        "rtu://\(path)?baud=\(baud)&parity=\(parity.rawValue)&data=\(dataBits)&stop=\(stopBits)"
    }
}
