import EdgeLogic
import GatewayCore
import Testing

@Suite("ChangeFilter")
struct ChangeFilterTests {
    @Test("numbers are reported when they move by at least the deadband from the last reported number")
    func numberDeadband() {
        var filter = ChangeFilter(deadband: 0.5)
        #expect(report(&filter, .number(10), quality: .good), "first value")
        #expect(!report(&filter, .number(10), quality: .good))
        #expect(!report(&filter, .number(10.3), quality: .good))
        #expect(report(&filter, .number(10.6), quality: .good), "0.6 from 10")
        #expect(!report(&filter, .number(10.2), quality: .good), "0.4 from 10.6")
        #expect(!report(&filter, .number(10.99), quality: .good), "0.39 from 10.6")
        #expect(report(&filter, .number(11.1), quality: .good), "exactly 0.5 from 10.6")
        #expect(report(&filter, .number(10.6), quality: .good), "exactly 0.5 down")
        #expect(!report(&filter, .number(10.100_001), quality: .good), "just under 0.5")
    }

    @Test("small moves accumulate against the last reported number")
    func drift() {
        var filter = ChangeFilter(deadband: 1)
        #expect(report(&filter, .number(0), quality: .good))
        var reported: [Double] = []
        for step in 1...10 {
            let value = Double(step) * 0.3
            if report(&filter, .number(value), quality: .good) { reported.append(value) }
        }
        // 1.2 is ≥ 1 from 0, 2.4 is ≥ 1 from 1.2; 3.0 is only 0.6 from 2.4.
        #expect(reported.count == 2)
        #expect(abs(reported[0] - 1.2) < 1e-9)
        #expect(abs(reported[1] - 2.4) < 1e-9)
    }

    @Test("decimal rounding does not hide a move of exactly the deadband")
    func decimalRounding() {
        var filter = ChangeFilter(deadband: 0.2)
        #expect(report(&filter, .number(0.1), quality: .good))
        #expect(0.3 - 0.1 < 0.2, "the binary difference is just below the deadband")
        #expect(report(&filter, .number(0.3), quality: .good))
    }

    @Test("deadband 0 reports any difference and nothing else")
    func zeroDeadband() {
        var filter = ChangeFilter(deadband: 0)
        #expect(report(&filter, .number(1), quality: .good))
        #expect(!report(&filter, .number(1), quality: .good))
        #expect(report(&filter, .number(1.000_000_000_000_2), quality: .good))
        #expect(report(&filter, .number(1), quality: .good))
        #expect(!report(&filter, .number(1), quality: .good))
    }

    @Test("negative deadband behaves as 0")
    func negativeDeadband() {
        var filter = ChangeFilter(deadband: -1)
        #expect(filter.deadband == 0)
        #expect(report(&filter, .number(1), quality: .good))
        #expect(!report(&filter, .number(1), quality: .good))
        #expect(report(&filter, .number(1.1), quality: .good))
    }

    @Test("any quality change is reported, including a change of reason, and updates the reported value")
    func qualityChange() {
        var filter = ChangeFilter(deadband: 0.5)
        #expect(report(&filter, .number(10), quality: .good))
        #expect(report(&filter, .number(10), quality: .uncertain(.frozen)))
        #expect(!report(&filter, .number(10.1), quality: .uncertain(.frozen)))
        #expect(report(&filter, .number(10.1), quality: .uncertain(.outOfRange)))
        #expect(report(&filter, .number(10.2), quality: .good))
        #expect(!report(&filter, .number(10.6), quality: .good), "0.4 from 10.2, reported with the quality change")
    }

    @Test("bool changes are reported, repeats are not")
    func bools() {
        var filter = ChangeFilter(deadband: 100)
        #expect(report(&filter, .bool(false), quality: .good))
        #expect(!report(&filter, .bool(false), quality: .good))
        #expect(report(&filter, .bool(true), quality: .good))
        #expect(!report(&filter, .bool(true), quality: .good))
        #expect(report(&filter, .bool(false), quality: .good))
    }

    @Test("text changes are reported, repeats are not")
    func text() {
        var filter = ChangeFilter(deadband: 100)
        #expect(report(&filter, .text("A"), quality: .good))
        #expect(!report(&filter, .text("A"), quality: .good))
        #expect(report(&filter, .text("B"), quality: .good))
    }

    @Test("nil-ness changes and kind changes are reported")
    func nilAndKind() {
        var filter = ChangeFilter(deadband: 100)
        #expect(report(&filter, nil, quality: .bad(.timeout)), "first value, even nil")
        #expect(!report(&filter, nil, quality: .bad(.timeout)))
        #expect(report(&filter, .number(0), quality: .bad(.timeout)), "nil → number")
        #expect(report(&filter, nil, quality: .bad(.timeout)), "number → nil")
        #expect(report(&filter, .number(0), quality: .bad(.timeout)))
        #expect(report(&filter, .bool(false), quality: .bad(.timeout)), "number → bool")
        #expect(report(&filter, .text("0"), quality: .bad(.timeout)), "bool → text")
        #expect(report(&filter, .number(0), quality: .bad(.timeout)), "text → number")
    }
}
