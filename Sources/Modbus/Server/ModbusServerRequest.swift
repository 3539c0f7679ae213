/// A request a server received, after libmodbus checked its framing (and, on RTU, its CRC).
public struct ModbusServerRequest: Sendable, Hashable, CustomStringConvertible {
    /// The unit id the request is addressed to (0 is broadcast on RTU).
    public var unit: UInt8
    /// The Modbus function code.
    public var functionCode: UInt8
    /// The table the function code addresses, or nil for a function the server does not support.
    public var table: ModbusTable?
    /// The first 0-based address.
    public var address: UInt16
    /// How many registers or bits the request reads or writes.
    public var count: Int
    /// Whether the function code writes (5, 6, 15, 16).
    public var isWrite: Bool
    /// Whether the request came over a serial line (RTU) rather than TCP.
    public var isSerial: Bool

    public init(
        unit: UInt8,
        functionCode: UInt8,
        table: ModbusTable?,
        address: UInt16,
        count: Int,
        isWrite: Bool,
        isSerial: Bool = false
    ) {
        self.unit = unit
        self.functionCode = functionCode
        self.table = table
        self.address = address
        self.count = count
        self.isWrite = isWrite
        self.isSerial = isSerial
    }

    /// The addresses the request touches.
    public var addresses: ClosedRange<Int> { Int(address)...(Int(address) + max(count, 1) - 1) }

    public var description: String {
        guard let table else { return "unit \(unit) function \(functionCode)" }
        return "unit \(unit) \(isWrite ? "write" : "read") \(table) \(addresses.lowerBound)..\(addresses.upperBound)"
    }
}

/// What a server sends back for a request.
public struct ModbusServerResponse: Sendable {
    public enum Reply: Sendable {
        /// Register values for a read of holding or input registers, `count` of them.
        case registers([UInt16])
        /// Bit values for a read of coils or discrete inputs, `count` of them.
        case bits([Bool])
        /// Carry out the write and acknowledge it.
        case acceptWrite
        /// A Modbus exception reply.
        case exception(ModbusException)
        /// Stay silent, as a dead or absent device does.
        case noReply
    }

    public var reply: Reply
    /// How long to wait before replying (a slow device).
    public var delay: Duration
    /// On RTU, corrupt the reply's CRC on the wire (noise on the line).
    public var corruptChecksum: Bool
    /// On TCP, corrupt the reply's MBAP header (a misbehaving device or gateway).
    public var header: MBAPCorruption?

    public init(_ reply: Reply, delay: Duration = .zero, corruptChecksum: Bool = false) {
        self.reply = reply
        self.delay = delay
        self.corruptChecksum = corruptChecksum
    }
}

/// How a server corrupts the MBAP header of a Modbus TCP reply libmodbus built, to stand in for a
/// misbehaving device or gateway in tests and commissioning dry runs.
public struct MBAPCorruption: Sendable, Hashable {
    /// Added to the unit id (wrapping): the reply claims to come from another unit.
    public var unitOffset: UInt8 = 0
    /// Replaces the protocol id (0 for Modbus).
    public var protocolID: UInt16?
    /// Replaces the length; a length beyond the frame also pads it with zero bytes (up to 256).
    public var length: UInt16?

    public init(unitOffset: UInt8 = 0, protocolID: UInt16? = nil, length: UInt16? = nil) {
        self.unitOffset = unitOffset
        self.protocolID = protocolID
        self.length = length
    }

    /// Applies the corruption to a whole ADU (MBAP header first).
    func apply(to frame: inout [UInt8]) {
        guard frame.count >= 7 else { return }
        frame[6] &+= unitOffset
        if let protocolID {
            frame[2] = UInt8(protocolID >> 8)
            frame[3] = UInt8(protocolID & 0xFF)
        }
        if let length {
            let actual = frame.count - 6
            frame[4] = UInt8(length >> 8)
            frame[5] = UInt8(length & 0xFF)
            if Int(length) > actual { frame += [UInt8](repeating: 0, count: min(Int(length) - actual, 256)) }
        }
    }
}

extension ModbusServerResponse.Reply {
    /// Whether nothing goes back on the wire.
    var isSilent: Bool {
        if case .noReply = self { return true }
        return false
    }

    /// Whether the reply is an exception frame.
    var isException: Bool {
        if case .exception = self { return true }
        return false
    }
}

/// Decides the replies of a Modbus server. Called on the server's connection threads, possibly
/// from several at once (one per TCP client), so implementations synchronise their own state.
public protocol ModbusRequestHandler: Sendable {
    /// The reply to a request.
    func respond(to request: ModbusServerRequest) -> ModbusServerResponse
    /// Called after an accepted write was carried out, with the values written.
    func didWrite(_ request: ModbusServerRequest, values: ModbusData)
}
