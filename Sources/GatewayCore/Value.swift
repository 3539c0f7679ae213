/// An engineering value.
///
/// Integers travel exactly: an integer point (int16 … uint64, BCD or a bit field, without scaling) is an
/// ``integer(_:)``, never rounded through a `Double`, so a uint64 counter above 2^53 keeps every digit in the
/// log, the payloads and history. Numbers compare by value across the two cases: `.integer(25) == .number(25)`
/// (a JSON `25` reads back as an integer whichever case wrote it), and they hash alike.
public enum Value: Sendable, Hashable {
    /// A finite number in engineering units (never NaN or infinity).
    case number(Double)
    /// An exact integer, from `Int64.min` to `UInt64.max` (one case holds every 64-bit integer, signed or not,
    /// so comparisons need no sign juggling).
    case integer(Int128)
    /// A coil, discrete input or status bit.
    case bool(Bool)
    /// Text, e.g. a tag or serial number.
    case text(String)

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.number(let left), .number(let right)): left == right
        case (.integer(let left), .integer(let right)): left == right
        case (.number(let number), .integer(let integer)), (.integer(let integer), .number(let number)):
            Int128(exactly: number) == integer
        case (.bool(let left), .bool(let right)): left == right
        case (.text(let left), .text(let right)): left == right
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .number(let number):
            if let integer = Int128(exactly: number) {
                hasher.combine(0)
                hasher.combine(integer)
            } else {
                hasher.combine(1)
                hasher.combine(number)
            }
        case .integer(let integer):
            hasher.combine(0)
            hasher.combine(integer)
        case .bool(let flag):
            hasher.combine(2)
            hasher.combine(flag)
        case .text(let text):
            hasher.combine(3)
            hasher.combine(text)
        }
    }
}
