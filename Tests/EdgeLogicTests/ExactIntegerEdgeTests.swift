import EdgeLogic
import GatewayCore
import Testing

/// Report by exception and frozen detection on counters above 2^53, where neighbouring integers share
/// one Double: they must still be told apart.
@Suite("Exact integers in the edge logic")
struct ExactIntegerEdgeTests {
    static let big: Int128 = 81_985_529_216_486_895

    @Test func aCounterAboveTwoToThe53MovingByOneIsAChange() {
        var filter = ChangeFilter(deadband: 0)
        #expect(report(&filter, .integer(Self.big), quality: .good))
        #expect(!report(&filter, .integer(Self.big), quality: .good))
        #expect(report(&filter, .integer(Self.big + 1), quality: .good), "one count more is a change")
        var banded = ChangeFilter(deadband: 2)
        #expect(report(&banded, .integer(Self.big), quality: .good))
        #expect(!report(&banded, .integer(Self.big + 1), quality: .good), "1 < deadband 2")
        #expect(report(&banded, .integer(Self.big + 2), quality: .good), "2 ≥ deadband 2")
        #expect(report(&banded, .integer(Int128(UInt64.max)), quality: .good), "no overflow near UInt64.max")
        #expect(!report(&banded, .number(Double(UInt64.max)), quality: .good), "the same number as a double")
    }

    @Test func aCounterThatMovesByOneIsNotFrozen() {
        var tracker = FreshnessTracker(staleAfter: .seconds(30), frozenAfter: .seconds(5))
        for second in 0...10 {
            tracker.refreshed(with: .integer(Self.big + Int128(second)), at: .seconds(second))
        }
        #expect(!tracker.isFrozen(at: .seconds(10)))
        for second in 11...20 { tracker.refreshed(with: .integer(Self.big + 10), at: .seconds(second)) }
        #expect(tracker.isFrozen(at: .seconds(20)))
    }
}
