/// How long Modbus RTU frames occupy a serial line (Modbus over Serial Line V1.02; ANCHORS.md §8).
///
/// A character is 1 start bit + data bits + parity bit (if any) + stop bits: 11 bits for 8E1, 8O1
/// and 8N2, 10 for 8N1. Frames are separated by a silence t3.5 of 3.5 character times at up to
/// 19200 baud, fixed at 1.750 ms above. One transaction of one master takes
/// `T = request + t3.5 + turnaround + response + t3.5`.
///
/// A pty pair carries bytes at memory speed whatever its termios baud rate says; the RTU server
/// holds each reply for this time (``ModbusRTUServer``'s `wireTime`) so a pty behaves like a line.
public struct RTUWireTime: Sendable, Hashable {
    /// Bits per second.
    public var baud: Int
    /// Bits per character, start and stop bits included.
    public var bitsPerCharacter: Int

    /// - Parameters:
    ///   - baud: bits per second (at least 1).
    ///   - bitsPerCharacter: 11 for 8E1, 8O1 and 8N2; 10 for 8N1.
    public init(baud: Int, bitsPerCharacter: Int = 11) {
        self.baud = max(baud, 1)
        self.bitsPerCharacter = max(bitsPerCharacter, 1)
    }

    /// The wire time of the character format of `port`.
    public init(port: SerialPort) {
        self.init(baud: port.baud, bitsPerCharacter: port.bitsPerCharacter)
    }

    /// The highest baud rate at which t3.5 is 3.5 character times; above it t3.5 is 1.750 ms.
    public static let fixedSilenceAbove = 19200

    /// The time `bytes` characters take on the line.
    public func frame(bytes: Int) -> Duration {
        .nanoseconds(Int64(bytes) * Int64(bitsPerCharacter) * 1_000_000_000 / Int64(baud))
    }

    /// The inter-frame silence t3.5.
    public var interFrameSilence: Duration {
        guard baud <= Self.fixedSilenceAbove else { return .microseconds(1750) }
        return .nanoseconds(7 * Int64(bitsPerCharacter) * 1_000_000_000 / (2 * Int64(baud)))
    }

    /// One transaction: `request + t3.5 + turnaround + response + t3.5`.
    public func transaction(requestBytes: Int, responseBytes: Int, turnaround: Duration = .zero) -> Duration {
        frame(bytes: requestBytes) + interFrameSilence + turnaround + frame(bytes: responseBytes) + interFrameSilence
    }

    /// Transactions per second a line can carry at most (no turnaround): the reference of the rtu benchmark.
    public func transactionsPerSecond(requestBytes: Int, responseBytes: Int) -> Double {
        1 / transaction(requestBytes: requestBytes, responseBytes: responseBytes).seconds
    }

    /// The size of an RTU request frame: address, function, 4 bytes of fields (start and quantity,
    /// or address and value), data for multiple writes, and CRC.
    /// - Parameters:
    ///   - functionCode: the Modbus function code.
    ///   - count: registers or bits written by function 15 or 16 (ignored otherwise).
    public static func requestBytes(functionCode: UInt8, count: Int = 0) -> Int {
        switch functionCode {
        case 15: 1 + 1 + 4 + 1 + (count + 7) / 8 + 2
        case 16: 1 + 1 + 4 + 1 + 2 * count + 2
        default: 8
        }
    }

    /// The size of an RTU response frame: 5 + 2N for a read of N registers, 5 + ⌈N/8⌉ for N bits,
    /// 8 for a write, 5 for an exception.
    public static func responseBytes(functionCode: UInt8, count: Int, exception: Bool = false) -> Int {
        guard !exception else { return 5 }
        switch functionCode {
        case 1, 2: return 5 + (count + 7) / 8
        case 3, 4: return 5 + 2 * count
        default: return 8
        }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    fileprivate var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
