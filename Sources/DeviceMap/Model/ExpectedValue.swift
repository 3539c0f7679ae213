public import GatewayCore

/// One value an `expect` assertion allows: an engineering number or a text.
public enum ExpectedValue: Sendable, Hashable, CustomStringConvertible {
    case number(Double)
    case text(String)

    /// Whether a reported value is this one.
    public func matches(_ value: Value) -> Bool {
        switch self {
        case .number(let number): value.formulaOperand == number
        case .text(let text): value.textValue == text
        }
    }

    public var description: String {
        switch self {
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .text(let text): "'\(text)'"
        }
    }
}

extension Value {
    /// The value as a formula and an assertion see it: a number, or 0/1 for a flag; nil for text.
    ///
    /// Deliberately exhaustive (no `default`): a new kind of value must decide here how formulas see it.
    public var formulaOperand: Double? {
        switch self {
        case .number(let number): number
        case .integer(let integer): Double(integer)
        case .bool(let flag): flag ? 1 : 0
        case .text: nil
        }
    }

    /// The text of a text value.
    var textValue: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}
