extension Value {
    /// The value as a `Double` for arithmetic that tolerates rounding (alarm limits, deadbands, the
    /// measuring range): a number as it is, an integer rounded to the nearest `Double` (exact up to 2^53);
    /// nil for bool and text.
    public var numeric: Double? {
        switch self {
        case .number(let number): number
        case .integer(let integer): Double(integer)
        case .bool, .text: nil
        }
    }

    /// Whether the value is a number (``number(_:)`` or ``integer(_:)``).
    public var isNumeric: Bool { numeric != nil }

    /// The decimal text of a number, every digit of an integer: `81985529216486895`, `25`, `12.5`
    /// (the shortest round-trip text of a `Double`, without `.0`); nil for bool and text.
    public var numberText: String? {
        switch self {
        case .integer(let integer):
            return String(integer)
        case .number(let number):
            var text = number.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text
        case .bool, .text:
            return nil
        }
    }
}
