/// An arithmetic formula over named numbers: a computed point's value from other points of its device
/// (`compute: "hi + lo / 10"`), or, for the simulator, an input from a computed point's `value`.
///
/// Numbers are Doubles. Comparisons, `&&`, `||` and `!` give 1 or 0 (any non-zero number is true).
/// Bit operations (`&`, `|`, `<<`, `>>`, `bits`, `bit`, `int16`, `int32`) take whole numbers from
/// −2^53 to 2^53 and give NaN for anything else, as do a division by zero, `sqrt` of a negative
/// number and an overflowing power: a caller treats a non-finite result as "no value".
public struct Formula: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    public let root: FormulaNode

    /// Parses a formula.
    /// - Throws: ``FormulaError`` with the column where the text stops making sense.
    public init(_ text: String) throws(FormulaError) {
        self.text = text
        var parser = FormulaParser(tokens: try FormulaToken.tokens(of: text))
        root = try parser.parse()
    }

    public var description: String { text }

    /// The names the formula refers to, each once, in the order of first use, with the column of that use.
    public var references: [(name: String, column: Int)] {
        var seen: Set<String> = []
        var result: [(String, Int)] = []
        func walk(_ node: FormulaNode) {
            switch node {
            case .number: break
            case .reference(let name, let column):
                if seen.insert(name).inserted { result.append((name, column)) }
            case .unary(_, let inner): walk(inner)
            case .binary(_, let left, let right):
                walk(left)
                walk(right)
            case .conditional(let condition, let then, let otherwise):
                walk(condition)
                walk(then)
                walk(otherwise)
            case .call(_, let arguments): arguments.forEach(walk)
            }
        }
        walk(root)
        return result
    }

    /// The value of the formula; nil when a name it needs has no value.
    /// - Parameter value: the value of each name (nil: unknown).
    public func evaluate(_ value: (String) -> Double?) -> Double? {
        Self.evaluate(root, value)
    }

    private static func evaluate(_ node: FormulaNode, _ value: (String) -> Double?) -> Double? {
        switch node {
        case .number(let number):
            return number
        case .reference(let name, _):
            return value(name)
        case .unary(let op, let inner):
            guard let operand = evaluate(inner, value) else { return nil }
            return op == .negate ? -operand : truth(operand == 0)
        case .binary(let op, let left, let right):
            guard let lhs = evaluate(left, value) else { return nil }
            // && and || look at their right side only when it decides.
            if op == .and, lhs == 0 { return 0 }
            if op == .or, lhs != 0, !lhs.isNaN { return 1 }
            guard let rhs = evaluate(right, value) else { return nil }
            return FormulaArithmetic.apply(op, lhs, rhs)
        case .conditional(let condition, let then, let otherwise):
            guard let test = evaluate(condition, value) else { return nil }
            guard !test.isNaN else { return .nan }
            return evaluate(test != 0 ? then : otherwise, value)
        case .call(let function, let arguments):
            var values: [Double] = []
            for argument in arguments {
                guard let result = evaluate(argument, value) else { return nil }
                values.append(result)
            }
            return FormulaArithmetic.call(function, values)
        }
    }

    static func truth(_ flag: Bool) -> Double { flag ? 1 : 0 }
}
