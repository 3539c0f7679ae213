import EdgeLogic
import GatewayCore
import Testing

@Suite("FreshnessTracker")
struct FreshnessTrackerTests {
    @Test("stale means strictly longer than staleAfter since the last refresh")
    func staleBoundary() {
        var tracker = FreshnessTracker(staleAfter: .seconds(3), frozenAfter: nil)
        tracker.refreshed(with: .number(1), at: .seconds(10))
        #expect(!tracker.isStale(at: .seconds(10)))
        #expect(!tracker.isStale(at: .seconds(13)), "exactly staleAfter is still fresh")
        #expect(tracker.isStale(at: .seconds(13) + .milliseconds(1)))
        tracker.refreshed(with: .number(2), at: .seconds(14))
        #expect(!tracker.isStale(at: .seconds(17)))
        #expect(tracker.isStale(at: .seconds(18)))
    }

    @Test("a never-refreshed tracker counts from its creation")
    func neverRefreshed() {
        let atZero = FreshnessTracker(staleAfter: .seconds(3), frozenAfter: nil)
        #expect(!atZero.isStale(at: .seconds(3)))
        #expect(atZero.isStale(at: .seconds(4)))
        let later = FreshnessTracker(staleAfter: .seconds(3), frozenAfter: nil, createdAt: .seconds(100))
        #expect(later.lastRefresh == .seconds(100))
        #expect(!later.isStale(at: .seconds(103)))
        #expect(later.isStale(at: .seconds(103) + .nanoseconds(1)))
    }

    @Test("a refresh with nil (no value but a successful transaction) still refreshes")
    func nilRefresh() {
        var tracker = FreshnessTracker(staleAfter: .seconds(3), frozenAfter: .seconds(5))
        tracker.refreshed(with: nil, at: .seconds(5))
        #expect(!tracker.isStale(at: .seconds(8)))
        #expect(!tracker.isFrozen(at: .seconds(100)))
    }

    @Test("a refresh never moves the last refresh time backwards")
    func refreshOutOfOrder() {
        var tracker = FreshnessTracker(staleAfter: .seconds(3), frozenAfter: nil)
        tracker.refreshed(with: .number(1), at: .seconds(10))
        tracker.refreshed(with: .number(1), at: .seconds(2))
        #expect(tracker.lastRefresh == .seconds(10))
        #expect(!tracker.isStale(at: .seconds(12)))
    }

    @Test("frozen means the same number for at least frozenAfter since it was first seen")
    func frozenBoundary() {
        var tracker = FreshnessTracker(staleAfter: .seconds(10), frozenAfter: .seconds(60))
        tracker.refreshed(with: .number(4.2), at: .seconds(0))
        tracker.refreshed(with: .number(4.2), at: .seconds(30))
        #expect(!tracker.isFrozen(at: .seconds(59)))
        tracker.refreshed(with: .number(4.2), at: .seconds(60))
        #expect(tracker.isFrozen(at: .seconds(60)), "exactly frozenAfter is frozen")
        tracker.refreshed(with: .number(4.200_000_1), at: .seconds(61))
        #expect(!tracker.isFrozen(at: .seconds(61)), "any different number restarts the clock")
        #expect(!tracker.isFrozen(at: .seconds(120)))
        #expect(tracker.isFrozen(at: .seconds(121)))
    }

    @Test(
        "nil, NaN, bool and text never freeze and restart the clock",
        arguments: [nil, Value.number(.nan), .bool(true), .text("x")]
    )
    func nonNumbers(value: Value?) {
        var tracker = FreshnessTracker(staleAfter: .seconds(10), frozenAfter: .seconds(60))
        tracker.refreshed(with: .number(0), at: .seconds(0))
        tracker.refreshed(with: value, at: .seconds(30))
        #expect(!tracker.isFrozen(at: .seconds(100)))
        tracker.refreshed(with: value, at: .seconds(100))
        #expect(!tracker.isFrozen(at: .seconds(200)))
        tracker.refreshed(with: .number(0), at: .seconds(200))
        #expect(!tracker.isFrozen(at: .seconds(259)))
        #expect(tracker.isFrozen(at: .seconds(260)))
    }

    @Test(
        "frozen detection is off with nil or a non-positive frozenAfter",
        arguments: [nil, Duration.zero, .seconds(-1)]
    )
    func frozenDisabled(frozenAfter: Duration?) {
        var tracker = FreshnessTracker(staleAfter: .seconds(10), frozenAfter: frozenAfter)
        #expect(tracker.frozenAfter == nil)
        tracker.refreshed(with: .number(0), at: .seconds(0))
        tracker.refreshed(with: .number(0), at: .seconds(1_000_000))
        #expect(!tracker.isFrozen(at: .seconds(1_000_000)))
    }

    @Test("never refreshed is never frozen")
    func neverRefreshedNotFrozen() {
        let tracker = FreshnessTracker(staleAfter: .seconds(10), frozenAfter: .seconds(1))
        #expect(!tracker.isFrozen(at: .seconds(1000)))
    }

    @Test("quality combines base, stale and frozen with Quality.worst")
    func quality() {
        var tracker = FreshnessTracker(staleAfter: .seconds(10), frozenAfter: .seconds(60))
        tracker.refreshed(with: .number(1), at: .zero)
        #expect(tracker.quality(.good, at: .seconds(5)) == .good)
        #expect(tracker.quality(.uncertain(.warmup), at: .seconds(5)) == .uncertain(.warmup))
        #expect(tracker.quality(.good, at: .seconds(11)) == .bad(.stale))
        #expect(
            tracker.quality(.bad(.timeout), at: .seconds(11)) == .bad(.timeout),
            "equally bad base keeps its reason"
        )
        tracker.refreshed(with: .number(1), at: .seconds(60))
        #expect(tracker.quality(.good, at: .seconds(60)) == .uncertain(.frozen))
        #expect(tracker.quality(.uncertain(.outOfRange), at: .seconds(60)) == .uncertain(.outOfRange))
        #expect(tracker.quality(.bad(.sensorFault), at: .seconds(60)) == .bad(.sensorFault))
        #expect(tracker.quality(.good, at: .seconds(71)) == .bad(.stale), "stale and frozen: stale wins")
    }
}
