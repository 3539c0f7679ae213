/// A recursive-descent parser for formulas. Precedence, loosest first (as in Python, so `x & 0xFF == 3`
/// compares the masked value): `? :`, `||`, `&&`, comparisons (not chained), `|`, `&`, `<<` `>>`,
/// `+` `-`, `*` `/` `%`, unary `-` `!`, `^` (power, right-associative: `-10^2` is −100).
struct FormulaParser {
    private var tokens: [FormulaToken]
    private var index = 0

    init(tokens: [FormulaToken]) { self.tokens = tokens }

    mutating func parse() throws(FormulaError) -> FormulaNode {
        guard case .end = tokens.first?.kind, tokens.count == 1 else {
            let node = try conditional()
            guard case .end = current.kind else {
                throw FormulaError(
                    column: current.column,
                    message: "unexpected \(describe(current)) after a complete formula"
                )
            }
            return node
        }
        throw FormulaError(column: 1, message: "the formula is empty")
    }

    private var current: FormulaToken { tokens[index] }

    private mutating func advance() { if index < tokens.count - 1 { index += 1 } }

    private func isSymbol(_ symbol: String) -> Bool {
        if case .symbol(let found) = current.kind { return found == symbol }
        return false
    }

    private mutating func expect(_ symbol: String, _ what: String) throws(FormulaError) {
        guard isSymbol(symbol) else {
            throw FormulaError(column: current.column, message: "expected \(what), found \(describe(current))")
        }
        advance()
    }

    private func describe(_ token: FormulaToken) -> String {
        switch token.kind {
        case .number(let number): "the number \(number)"
        case .name(let name): "'\(name)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the formula"
        }
    }

    private mutating func conditional() throws(FormulaError) -> FormulaNode {
        let condition = try binary(level: 0)
        guard isSymbol("?") else { return condition }
        advance()
        let then = try conditional()
        try expect(":", "':' and the value when the condition is false")
        let otherwise = try conditional()
        return .conditional(condition, then, otherwise)
    }

    private static let levels: [[FormulaNode.BinaryOperator]] = [
        [.or], [.and], [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual], [.bitOr], [.bitAnd],
        [.shiftLeft, .shiftRight], [.add, .subtract], [.multiply, .divide, .remainder],
    ]

    private mutating func binary(level: Int) throws(FormulaError) -> FormulaNode {
        guard level < Self.levels.count else { return try unary() }
        var left = try binary(level: level + 1)
        let isComparison = level == 2
        var compared = false
        while case .symbol(let symbol) = current.kind,
            let found = Self.levels[level].first(where: { $0.rawValue == symbol })
        {
            if isComparison && compared {
                throw FormulaError(
                    column: current.column,
                    message: "comparisons do not chain: write (a < b) && (b < c)"
                )
            }
            compared = true
            advance()
            let right = try binary(level: level + 1)
            left = .binary(found, left, right)
        }
        return left
    }

    private mutating func unary() throws(FormulaError) -> FormulaNode {
        if isSymbol("-") {
            advance()
            return .unary(.negate, try unary())
        }
        if isSymbol("!") {
            advance()
            return .unary(.not, try unary())
        }
        if isSymbol("+") {
            advance()
            return try unary()
        }
        return try power()
    }

    private mutating func power() throws(FormulaError) -> FormulaNode {
        let base = try primary()
        guard isSymbol("^") else { return base }
        advance()
        return .binary(.power, base, try unary())
    }

    private mutating func primary() throws(FormulaError) -> FormulaNode {
        let token = current
        switch token.kind {
        case .number(let number):
            advance()
            return .number(number)
        case .name(let name):
            advance()
            guard isSymbol("(") else { return .reference(name, column: token.column) }
            return try call(name, at: token.column)
        case .symbol("("):
            advance()
            let inner = try conditional()
            try expect(")", "')'")
            return inner
        default:
            throw FormulaError(
                column: token.column,
                message: "expected a number, a point id or '(', found \(describe(token))"
            )
        }
    }

    private mutating func call(_ name: String, at column: Int) throws(FormulaError) -> FormulaNode {
        guard let function = FormulaFunction(rawValue: name) else {
            let known = FormulaFunction.allCases.map(\.rawValue).joined(separator: ", ")
            throw FormulaError(column: column, message: "unknown function '\(name)'; functions: \(known)")
        }
        advance()  // (
        var arguments: [FormulaNode] = []
        if !isSymbol(")") {
            arguments.append(try conditional())
            while isSymbol(",") {
                advance()
                arguments.append(try conditional())
            }
        }
        try expect(")", "',' or ')' in \(function.signature)")
        guard function.arity.contains(arguments.count) else {
            throw FormulaError(
                column: column,
                message: "\(function.signature) takes \(Self.count(function.arity)), not \(arguments.count)"
            )
        }
        try Self.checkBitNumbers(function, arguments, at: column)
        if function == .if { return .conditional(arguments[0], arguments[1], arguments[2]) }
        return .call(function, arguments)
    }

    private static func count(_ arity: ClosedRange<Int>) -> String {
        if arity.count == 1 { return arity.lowerBound == 1 ? "1 argument" : "\(arity.lowerBound) arguments" }
        return "\(arity.lowerBound) to \(arity.upperBound) arguments"
    }

    /// Constant bit numbers of `bits` and `bit` that can never work.
    private static func checkBitNumbers(_ function: FormulaFunction, _ arguments: [FormulaNode], at column: Int)
        throws(FormulaError)
    {
        guard function == .bits || function == .bit else { return }
        let constants = arguments.dropFirst().map { argument -> Double? in
            if case .number(let number) = argument { return number }
            return nil
        }
        for case let number? in constants where !(0...63).contains(number) || number != number.rounded() {
            throw FormulaError(
                column: column,
                message: "\(function.signature): bit numbers are whole numbers 0–63, not \(number)"
            )
        }
        if function == .bits, let low = constants[0], let high = constants[1], low > high {
            throw FormulaError(column: column, message: "bits(x, lo, hi): lo (\(low)) must not exceed hi (\(high))")
        }
    }
}
