import Formula
import Testing

@Suite("Formula")
struct FormulaTests {
    private func value(_ text: String, _ inputs: [String: Double] = [:]) throws -> Double? {
        try Formula(text).evaluate { inputs[$0] }
    }

    private func error(_ text: String) -> FormulaError? {
        do {
            _ = try Formula(text)
            return nil
        } catch {
            return error
        }
    }

    @Test("arithmetic, powers of ten and precedence, computed by hand")
    func arithmetic() throws {
        #expect(try value("hi + lo / 10", ["hi": 20, "lo": 5]) == 20.5)
        #expect(try value("mantissa * 10 ^ exponent", ["mantissa": 123_456, "exponent": -2]) == 1234.56)
        #expect(try value("mantissa * pow(10, exponent)", ["mantissa": 7, "exponent": 3]) == 7000)
        #expect(try value("-10^2") == -100)
        #expect(try value("2^3^2") == 512)
        #expect(try value("(1 + 2) * 3 - 4 % 3") == 8)
        #expect(try value("1e3 + 0x10 + .5") == 1016.5)
        #expect(try value("`gas-raw` * 2", ["gas-raw": 4]) == 8)
        #expect(try value("ch.1 + 1", ["ch.1": 1]) == 2)
    }

    @Test("bit fields: bits(), &, >>, <<, | and int16 on a register written by hand")
    func bitFields() throws {
        let register = Double(0x1407)  // high byte 20, low byte 7: 20.7
        #expect(try value("bits(r, 8, 15) + bits(r, 0, 7) / 10", ["r": register]) == 20.7)
        #expect(try value("(r >> 8) + (r & 0xFF) / 10", ["r": register]) == 20.7)
        #expect(try value("bit(r, 2) + bit(r, 3)", ["r": register]) == 1)
        #expect(try value("(1 << 4) | 3") == 19)
        #expect(try value("int16(x)", ["x": 0xFFFE]) == -2)
        #expect(try value("x & 0xFF == 7", ["x": register]) == 1)  // the mask binds before the comparison
        #expect(try value("bits(x, 0, 3)", ["x": 2.5])?.isNaN == true)
    }

    @Test("comparisons, min/max, conditionals: only the branch taken is evaluated")
    func conditionals() throws {
        #expect(try value("a > 0 ? b : c", ["a": 1, "b": 2, "c": 3]) == 2)
        #expect(try value("if(a > 0, b, c)", ["a": 0, "b": 2, "c": 3]) == 3)
        // c has no value, but the branch that needs it is not taken.
        #expect(try value("a >= 0 ? b : c", ["a": 0, "b": 2]) == 2)
        #expect(try value("a > 0 ? b : c", ["a": -1, "b": 2]) == nil)
        #expect(try value("min(a, b, 3)", ["a": 5, "b": 4]) == 3)
        #expect(try value("max(a, b)", ["a": 5, "b": 4]) == 5)
        #expect(try value("a == 1 && b != 2 || !c", ["a": 1, "b": 3, "c": 1]) == 1)
        #expect(try value("x / 0", ["x": 1])?.isNaN == true)
    }

    @Test("references are listed once each, in order, with their columns")
    func references() throws {
        let formula = try Formula("hi + lo / 10 + hi")
        #expect(formula.references.map(\.name) == ["hi", "lo"])
        #expect(formula.references.map(\.column) == [1, 6])
    }

    @Test("errors name the column where the formula stops making sense")
    func errors() {
        #expect(
            error("hi + ")
                == FormulaError(
                    column: 6,
                    message: "expected a number, a point id or '(', found the end of the formula"
                )
        )
        #expect(error("hi + lo $ 3")?.column == 9)
        #expect(error("sqr(x)")?.column == 1)
        #expect(error("sqr(x)")?.message.hasPrefix("unknown function 'sqr'") == true)
        #expect(error("min(x)")?.message == "min(a, b, …) takes 2 to 16 arguments, not 1")
        #expect(error("a < b < c")?.column == 7)
        #expect(error("(a + b")?.column == 7)
        #expect(error("a ? b")?.column == 6)
        #expect(error("bits(x, 8, 4)")?.column == 1)
        #expect(error("bits(x, 0, 64)")?.column == 1)
        #expect(error("2x")?.column == 2)
        #expect(error("")?.column == 1)
        #expect(error("a b")?.column == 3)
    }
}
