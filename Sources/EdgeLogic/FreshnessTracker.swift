public import GatewayCore

/// Freshness of one point: stale (not refreshed) and frozen (a live value that stopped moving).
///
/// - Stale: more than `staleAfter` has passed since the last refresh (strictly longer: exactly `staleAfter`
///   is still fresh). A tracker that was never refreshed counts from `createdAt`, so it is not stale until
///   `staleAfter` has passed since it was created.
/// - Frozen: the point's value has been exactly the same number for at least `frozenAfter`. The clock starts
///   when the current number was first seen; any different number, nil, bool or text restarts it (only numbers
///   can freeze). Disabled when `frozenAfter` is nil, zero or negative.
///
/// Times are `Duration`s since an arbitrary origin. A refresh never moves the last refresh time backwards.
public struct FreshnessTracker: Sendable {
    /// A point not refreshed for longer than this is stale.
    public let staleAfter: Duration
    /// The time of the last refresh, or the creation time when there was none yet.
    public private(set) var lastRefresh: Duration
    /// Frozen detection's settings and state, held out of line: nil when it is off (the default), so
    /// that a point's tracker is 40 bytes instead of 112 (a number is 32 bytes, aligned to 16).
    private var frozen: Frozen?

    /// An analog value exactly unchanged for at least this long is frozen; nil when frozen detection is off.
    public var frozenAfter: Duration? { frozen?.after }

    /// Immutable, so copies of a tracker stay independent: a change of number makes a new one.
    private final class Frozen: Sendable {
        let after: Duration
        /// The current number (a number or an exact integer) and when it was first seen; nil after a non-number.
        let unchanged: (number: Value, since: Duration)?

        init(after: Duration, unchanged: (number: Value, since: Duration)?) {
            self.after = after
            self.unchanged = unchanged
        }
    }

    /// Creates a tracker for a point that has not been read yet.
    /// - Parameters:
    ///   - staleAfter: A point not refreshed for longer than this is stale (the engine passes k × its scan period).
    ///   - frozenAfter: An analog value exactly unchanged for at least this long is frozen; nil disables (most gas
    ///     detectors legitimately read 0 for days, so it is opt-in per point). Zero or negative also disables.
    ///   - createdAt: When the tracker was created; staleness of a never-refreshed point counts from here.
    public init(staleAfter: Duration, frozenAfter: Duration?, createdAt: Duration = .zero) {
        self.staleAfter = staleAfter
        if let frozenAfter, frozenAfter > .zero {
            frozen = Frozen(after: frozenAfter, unchanged: nil)
        }
        self.lastRefresh = createdAt
    }

    /// Records a fresh read (a successful transaction) of `value` at `time`.
    public mutating func refreshed(with value: Value?, at time: Duration) {
        lastRefresh = max(lastRefresh, time)
        // Without frozen detection (the default) there is nothing to remember: no value compared and
        // kept per read (it showed in the poller's profile).
        guard let frozen else { return }
        guard let number = value, let double = number.numeric, !double.isNaN else {
            if frozen.unchanged != nil { self.frozen = Frozen(after: frozen.after, unchanged: nil) }
            return
        }
        if frozen.unchanged?.number != number {
            self.frozen = Frozen(after: frozen.after, unchanged: (number, time))
        }
    }

    /// Whether the point is stale at `time`: strictly more than `staleAfter` since the last refresh (or since
    /// creation when it was never refreshed).
    public func isStale(at time: Duration) -> Bool {
        time - lastRefresh > staleAfter
    }

    /// Whether the value has been exactly the same number since at least `frozenAfter` ago. Only numbers can
    /// freeze; nil/bool/text never do. Always false when frozen detection is off.
    public func isFrozen(at time: Duration) -> Bool {
        guard let frozen, let unchanged = frozen.unchanged else { return false }
        return time - unchanged.since >= frozen.after
    }

    /// The quality to report now: `base` made worse by staleness (`bad(stale)`) or frozenness
    /// (`uncertain(frozen)`), using `Quality.worst` (so an equally bad `base` keeps its own reason).
    public func quality(_ base: Quality, at time: Duration) -> Quality {
        var quality = base
        if isStale(at: time) {
            quality = quality.worst(.bad(.stale))
        }
        if isFrozen(at: time) {
            quality = quality.worst(.uncertain(.frozen))
        }
        return quality
    }
}
