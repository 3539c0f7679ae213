/// One node of a parsed formula. Every node remembers the 1-based column where it starts, for messages.
public indirect enum FormulaNode: Sendable, Hashable {
    case number(Double)
    /// A point (or, in a `simulate` formula, `value`) by id, at a column.
    case reference(String, column: Int)
    case unary(UnaryOperator, FormulaNode)
    case binary(BinaryOperator, FormulaNode, FormulaNode)
    /// `condition ? then : else`, or `if(condition, then, else)`: only the branch taken is evaluated.
    case conditional(FormulaNode, FormulaNode, FormulaNode)
    case call(FormulaFunction, [FormulaNode])

    public enum UnaryOperator: String, Sendable, Hashable {
        case negate = "-"
        case not = "!"
    }

    public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case remainder = "%"
        case power = "^"
        case bitAnd = "&"
        case bitOr = "|"
        case shiftLeft = "<<"
        case shiftRight = ">>"
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case and = "&&"
        case or = "||"
    }
}

/// The functions a formula may call.
public enum FormulaFunction: String, Sendable, Hashable, CaseIterable {
    case min, max, abs, floor, ceil, round, trunc, frac, sqrt, pow, bits, bit, int16, int32
    case `if`

    /// How many arguments it takes: a range for the variadic `min` and `max`.
    var arity: ClosedRange<Int> {
        switch self {
        case .min, .max: 2...16
        case .abs, .floor, .ceil, .round, .trunc, .frac, .sqrt, .int16, .int32: 1...1
        case .pow, .bit: 2...2
        case .bits, .if: 3...3
        }
    }

    /// `bits(x, lo, hi)`, for messages.
    var signature: String {
        switch self {
        case .min, .max: "\(rawValue)(a, b, …)"
        case .pow: "pow(base, exponent)"
        case .bits: "bits(x, lo, hi)"
        case .bit: "bit(x, n)"
        case .if: "if(condition, then, else)"
        default: "\(rawValue)(x)"
        }
    }
}
