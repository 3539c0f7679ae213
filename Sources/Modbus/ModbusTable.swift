/// The four Modbus data tables a device exposes.
public enum ModbusTable: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Read-write single bits (function codes 1, 5, 15).
    case coil
    /// Read-only single bits (function code 2).
    case discrete
    /// Read-write 16-bit registers (function codes 3, 6, 16).
    case holding
    /// Read-only 16-bit registers (function code 4).
    case input

    /// Whether the table holds single bits rather than 16-bit registers.
    public var holdsBits: Bool { self == .coil || self == .discrete }

    /// The function code that reads this table.
    public var readFunctionCode: UInt8 {
        switch self {
        case .coil: 1
        case .discrete: 2
        case .holding: 3
        case .input: 4
        }
    }

    /// The most items one read request may ask for (Modbus application protocol §6.1–6.4).
    public var maximumReadCount: Int { holdsBits ? 2000 : 125 }

    /// The word an engineer uses for one item of this table.
    public var itemName: String { holdsBits ? "bits" : "registers" }

    public var description: String { rawValue }

    /// Parses the names used on the command line and in device maps.
    public init?(name: String) {
        switch name.lowercased() {
        case "coil", "coils": self = .coil
        case "discrete", "discrete-input", "discrete-inputs", "di": self = .discrete
        case "holding", "holding-register", "holding-registers", "hr": self = .holding
        case "input", "input-register", "input-registers", "ir": self = .input
        default: return nil
        }
    }
}

/// What a read returns: registers for holding and input tables, bits for coils and discrete inputs.
public enum ModbusData: Sendable, Hashable {
    case registers([UInt16])
    case bits([Bool])

    /// The number of items read.
    public var count: Int {
        switch self {
        case .registers(let values): values.count
        case .bits(let values): values.count
        }
    }
}
