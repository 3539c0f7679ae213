/// One outage of an uplink, from its first failed attempt to the next accepted batch: so that each
/// outage, however short, logs one line when it starts and one when it ends.
struct UplinkOutage {
    private var start: ContinuousClock.Instant?

    /// Records a failure at `instant`; true when it starts an outage.
    mutating func began(at instant: ContinuousClock.Instant) -> Bool {
        guard start == nil else { return false }
        start = instant
        return true
    }

    /// Records an accepted batch at `instant`; the outage's duration when one ends.
    mutating func ended(at instant: ContinuousClock.Instant) -> Duration? {
        guard let start else { return nil }
        self.start = nil
        return instant - start
    }
}
