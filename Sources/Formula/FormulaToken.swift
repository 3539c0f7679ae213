/// One token of a formula, with the 1-based column where it starts.
struct FormulaToken: Hashable {
    enum Kind: Hashable {
        case number(Double)
        case name(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    var column: Int

    /// Splits a formula into tokens; unknown characters, bad numbers and unclosed backquotes are errors.
    static func tokens(of text: String) throws(FormulaError) -> [FormulaToken] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [FormulaToken] = []
        var index = 0
        let symbols = [
            "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%", "^", "&", "|", "<", ">",
            "!", "?", ":", "(", ")", ",",
        ]
        while index < scalars.count {
            let scalar = scalars[index]
            let column = index + 1
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                index += 1
                continue
            }
            if isDigit(scalar) || (scalar == "." && index + 1 < scalars.count && isDigit(scalars[index + 1])) {
                let (number, next) = try readNumber(scalars, from: index)
                tokens.append(FormulaToken(kind: .number(number), column: column))
                index = next
                continue
            }
            if isNameStart(scalar) {
                var end = index
                while end < scalars.count, isNamePart(scalars[end]) { end += 1 }
                tokens.append(
                    FormulaToken(kind: .name(String(String.UnicodeScalarView(scalars[index..<end]))), column: column)
                )
                index = end
                continue
            }
            if scalar == "`" {
                guard let close = scalars[(index + 1)...].firstIndex(of: "`") else {
                    throw FormulaError(column: column, message: "a point id opened with ` is not closed")
                }
                let name = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                guard !name.isEmpty else { throw FormulaError(column: column, message: "an empty point id (``)") }
                tokens.append(FormulaToken(kind: .name(name), column: column))
                index = close + 1
                continue
            }
            let rest = String(String.UnicodeScalarView(scalars[index..<min(index + 2, scalars.count)]))
            guard let symbol = symbols.first(where: { rest.hasPrefix($0) }) else {
                throw FormulaError(
                    column: column,
                    message: "unexpected character '\(scalar)': a formula has numbers, point ids, + - * / % ^, "
                        + "& | << >>, comparisons, && || !, ? :, and functions"
                )
            }
            tokens.append(FormulaToken(kind: .symbol(symbol), column: column))
            index += symbol.unicodeScalars.count
        }
        tokens.append(FormulaToken(kind: .end, column: scalars.count + 1))
        return tokens
    }

    private static func readNumber(_ scalars: [Unicode.Scalar], from start: Int) throws(FormulaError) -> (Double, Int) {
        var end = start
        if scalars[start] == "0", start + 1 < scalars.count, scalars[start + 1] == "x" || scalars[start + 1] == "X" {
            end = start + 2
            while end < scalars.count, scalars[end].properties.isASCIIHexDigit { end += 1 }
            let digits = String(String.UnicodeScalarView(scalars[(start + 2)..<end]))
            guard let value = UInt64(digits, radix: 16), value < 1 << 53 else {
                throw FormulaError(column: start + 1, message: "'0x\(digits)' is not a hexadecimal number below 2^53")
            }
            return (Double(value), end)
        }
        while end < scalars.count, isDigit(scalars[end]) || scalars[end] == "." { end += 1 }
        if end < scalars.count, scalars[end] == "e" || scalars[end] == "E" {
            var exponentEnd = end + 1
            if exponentEnd < scalars.count, scalars[exponentEnd] == "-" || scalars[exponentEnd] == "+" {
                exponentEnd += 1
            }
            if exponentEnd < scalars.count, isDigit(scalars[exponentEnd]) {
                end = exponentEnd
                while end < scalars.count, isDigit(scalars[end]) { end += 1 }
            }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<end]))
        guard let value = Double(text), value.isFinite else {
            throw FormulaError(column: start + 1, message: "'\(text)' is not a number")
        }
        if end < scalars.count, isNameStart(scalars[end]) {
            throw FormulaError(column: end + 1, message: "a number runs into a name: put an operator between them")
        }
        return (value, end)
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
    }

    static func isNamePart(_ scalar: Unicode.Scalar) -> Bool { isNameStart(scalar) || isDigit(scalar) || scalar == "." }
}
