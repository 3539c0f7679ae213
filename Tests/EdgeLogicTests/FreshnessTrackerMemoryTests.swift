import EdgeLogic
import GatewayCore
import Testing

/// A point's freshness tracker is held for every configured point (issue #19: ≤ 1 KB per point):
/// frozen detection, off by default, keeps its state out of line; copies still behave as values.
@Suite("FreshnessTracker memory")
struct FreshnessTrackerMemoryTests {
    @Test func aTrackerIsFiveWordsWide() {
        // Was 112 bytes: the last number (32 bytes, aligned to 16) and two durations inline.
        #expect(MemoryLayout<FreshnessTracker>.stride <= 40)
    }

    @Test func aCopyFreezesOnItsOwn() {
        var original = FreshnessTracker(staleAfter: .seconds(30), frozenAfter: .seconds(5))
        original.refreshed(with: .number(1), at: .seconds(0))
        var copy = original
        copy.refreshed(with: .number(2), at: .seconds(3))
        // The original saw 1 since 0 s; the copy saw 2 since 3 s.
        #expect(original.isFrozen(at: .seconds(5)))
        #expect(!copy.isFrozen(at: .seconds(5)))
        #expect(copy.isFrozen(at: .seconds(8)))
        original.refreshed(with: .text("off"), at: .seconds(6))
        #expect(!original.isFrozen(at: .seconds(60)))
        #expect(copy.isFrozen(at: .seconds(60)))
        #expect(original.frozenAfter == .seconds(5) && copy.frozenAfter == .seconds(5))
    }

    @Test func zeroOrNegativeFrozenAfterIsOff() {
        var tracker = FreshnessTracker(staleAfter: .seconds(30), frozenAfter: .zero)
        tracker.refreshed(with: .number(1), at: .seconds(0))
        #expect(tracker.frozenAfter == nil)
        #expect(!tracker.isFrozen(at: .seconds(3600)))
    }
}
