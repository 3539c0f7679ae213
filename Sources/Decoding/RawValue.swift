/// A decoded register value before scaling.
public enum RawValue: Sendable, Hashable {
    /// A coil, discrete input, register bit or `bool` register.
    case bool(Bool)
    /// A signed integer (int16, int32, int64), sign-extended to 64 bits.
    case signed(Int64)
    /// An unsigned integer (uint16, uint32, uint64, bit fields, BCD).
    case unsigned(UInt64)
    /// A float; float32 is widened to Double exactly. May be NaN or ±infinity: devices send them.
    case float(Double)
    /// ASCII text, trailing NULs and spaces trimmed.
    case text(String)
    /// Undecodable content, with why (e.g. "BCD nibble 0xA in 0x12A4", "byte 0x9F is not ASCII").
    case invalid(String)

    /// The value as a Double: numbers as they are (integers above 2^53 round to the nearest Double),
    /// bool as 0 or 1; nil for text and invalid. A float's NaN or infinity is returned as is.
    public var doubleValue: Double? {
        switch self {
        case .bool(let value): value ? 1 : 0
        case .signed(let value): Double(value)
        case .unsigned(let value): Double(value)
        case .float(let value): value
        case .text, .invalid: nil
        }
    }
}
