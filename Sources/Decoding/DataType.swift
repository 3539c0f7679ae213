/// How a point's registers (or bit) are interpreted.
///
/// Parameters (bit numbers, field bounds, string lengths) come from configuration and are not trusted:
/// ``Decoder/decode(registers:as:order:)`` reports an out-of-range parameter as ``RawValue/invalid(_:)``
/// instead of trapping.
public enum DataType: Sendable, Hashable, CustomStringConvertible {
    /// A coil or discrete-input bit; read from a holding or input register, any non-zero value is `true`.
    case bool
    /// Bit N of one 16-bit register: 0 is the least significant bit, 15 the most significant.
    /// A bit number outside 0...15 decodes as invalid.
    case bit(Int)
    /// An unsigned integer made of bits `lo...hi` of one register, shifted down to bit 0
    /// (e.g. bits 0...3 of 0x00C2 → 2). Bounds outside 0...15 decode as invalid.
    case bitField(ClosedRange<Int>)
    /// A signed 16-bit integer (two's complement), one register.
    case int16
    /// An unsigned 16-bit integer, one register.
    case uint16
    /// A signed 32-bit integer (two's complement), two registers.
    case int32
    /// An unsigned 32-bit integer, two registers.
    case uint32
    /// A signed 64-bit integer (two's complement), four registers.
    case int64
    /// An unsigned 64-bit integer, four registers.
    case uint64
    /// An IEEE 754 single-precision float, two registers.
    case float32
    /// An IEEE 754 double-precision float, four registers.
    case float64
    /// Four packed BCD digits in one register: 0x1234 → 1234. A nibble above 9 decodes as invalid.
    case bcd16
    /// Eight packed BCD digits in two registers, most significant digits first after byte and word order.
    /// A nibble above 9 decodes as invalid.
    case bcd32
    /// ASCII text, two characters per register (high byte first); trailing NULs and spaces are trimmed.
    /// A register count below 1 decodes as invalid.
    case string(registers: Int)

    /// The number of 16-bit registers the type occupies: 1 for bool, bit, bitField, 16-bit types and bcd16;
    /// 2 for 32-bit types and bcd32; 4 for 64-bit types; n for `string(registers: n)` (as configured, even if
    /// below 1).
    public var registerCount: Int {
        switch self {
        case .bool, .bit, .bitField, .int16, .uint16, .bcd16: 1
        case .int32, .uint32, .float32, .bcd32: 2
        case .int64, .uint64, .float64: 4
        case .string(let registers): registers
        }
    }

    /// The value width in bits: 16, 32 or 64 (bool, bit, bitField, bcd16 and string count as 16, bcd32 as 32).
    /// Used to pick the byte-order name that fits the type.
    public var width: Int {
        switch self {
        case .bool, .bit, .bitField, .int16, .uint16, .bcd16, .string: 16
        case .int32, .uint32, .float32, .bcd32: 32
        case .int64, .uint64, .float64: 64
        }
    }

    /// Whether the type is numeric and spans several registers, so byte and word order both matter:
    /// int32, uint32, int64, uint64, float32, float64 and bcd32.
    public var isMultiRegister: Bool {
        switch self {
        case .int32, .uint32, .int64, .uint64, .float32, .float64, .bcd32: true
        case .bool, .bit, .bitField, .int16, .uint16, .bcd16, .string: false
        }
    }

    /// The YAML spelling: "bool", "bit 6", "bits 0-3", "int16", "uint16", "int32", "uint32", "int64", "uint64",
    /// "float32", "float64", "bcd16", "bcd32", "string 8".
    public var description: String {
        switch self {
        case .bool: "bool"
        case .bit(let number): "bit \(number)"
        case .bitField(let bits): "bits \(bits.lowerBound)-\(bits.upperBound)"
        case .int16: "int16"
        case .uint16: "uint16"
        case .int32: "int32"
        case .uint32: "uint32"
        case .int64: "int64"
        case .uint64: "uint64"
        case .float32: "float32"
        case .float64: "float64"
        case .bcd16: "bcd16"
        case .bcd32: "bcd32"
        case .string(let registers): "string \(registers)"
        }
    }

    /// Parses the parameterless YAML names (lowercase only): bool, int16, uint16, int32, uint32, int64, uint64,
    /// float32, float64, bcd16, bcd32. Returns nil for anything else, including the parameterised types
    /// (bit, bits, string), which the configuration parser builds itself.
    public init?(name: String) {
        switch name {
        case "bool": self = .bool
        case "int16": self = .int16
        case "uint16": self = .uint16
        case "int32": self = .int32
        case "uint32": self = .uint32
        case "int64": self = .int64
        case "uint64": self = .uint64
        case "float32": self = .float32
        case "float64": self = .float64
        case "bcd16": self = .bcd16
        case "bcd32": self = .bcd32
        default: return nil
        }
    }
}
