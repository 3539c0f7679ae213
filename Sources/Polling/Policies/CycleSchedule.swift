/// Poll cycles on a fixed grid: cycle k is due at origin + k × period. A cycle that finishes late
/// never causes catch-up bursts: the next cycle is the next grid point after the finish, and every
/// grid point skipped is counted as an overrun. Periods therefore never drift.
///
/// Boundary rule: after running the grid point `g`, the next due point is the **first grid point `≥ finished`,
/// but never `g` itself or an earlier one**. A finish exactly on a grid point can start that cycle immediately,
/// so it is not skipped. With origin 0 and period 1 s, a cycle due at 0 that finishes at
/// 0.4 s → next 1 s, 0 skipped; 1.0 s → next 1 s, 0 skipped; 1.3 s → next 2 s, 1 skipped;
/// 3.0 s → next 3 s, 2 skipped.
///
/// All arithmetic is exact integer arithmetic on attoseconds (`Int128`); no floating point is involved, so
/// `nextDue` is always exactly `origin + k × period`. All times are `Duration`s since an arbitrary,
/// caller-chosen origin; the type never reads a clock.
public struct CycleSchedule: Sendable, Hashable {
    /// The smallest period accepted; shorter (including zero and negative) periods are clamped to it.
    public static let minimumPeriod: Duration = .milliseconds(1)

    /// Time of grid point 0.
    public let origin: Duration
    /// Distance between grid points (at least ``minimumPeriod``).
    public let period: Duration

    /// The grid point at which the next cycle is due; starts at `origin`.
    public private(set) var nextDue: Duration
    /// Grid points skipped so far (saturates at `Int.max`).
    public private(set) var overruns: Int = 0
    /// Cycles started so far (saturates at `Int.max`).
    public private(set) var cycles: Int = 0

    /// Creates a schedule whose first cycle is due at `origin`.
    ///
    /// - Parameters:
    ///   - origin: Time of grid point 0.
    ///   - period: Distance between grid points; values below ``minimumPeriod`` (including zero and negative
    ///     periods) are clamped to ``minimumPeriod`` rather than trapping.
    public init(origin: Duration, period: Duration) {
        self.origin = origin
        self.period = max(period, Self.minimumPeriod)
        self.nextDue = origin
    }

    /// Marks the cycle due at `nextDue` as started (cycles += 1) and, given the time `finished` it ended,
    /// moves `nextDue` to the first grid point `≥ finished` that lies strictly after the grid point just run,
    /// and returns the number of grid points skipped by this cycle (also added to ``overruns``).
    ///
    /// A `finished` time before the grid point just run (a caller error) simply advances to the following
    /// grid point with nothing skipped.
    @discardableResult
    public mutating func completeCycle(finishedAt finished: Duration) -> Int {
        let step = period.attoseconds
        let current = (nextDue.attoseconds - origin.attoseconds) / step
        let elapsed = finished.attoseconds - origin.attoseconds
        // ⌈elapsed / step⌉ for elapsed > 0; a non-positive elapsed never beats `current + 1` anyway.
        let firstAtOrAfter = elapsed > 0 ? (elapsed + step - 1) / step : 0
        let next = max(current + 1, firstAtOrAfter)
        let skipped = Int(clamping: next - (current + 1))
        nextDue = Duration(attoseconds: origin.attoseconds + next * step)
        cycles = cycles == Int.max ? cycles : cycles + 1
        let (sum, overflow) = overruns.addingReportingOverflow(skipped)
        overruns = overflow ? Int.max : sum
        return skipped
    }

    /// How far the cycle due at ``nextDue`` started from its grid point (lateness), for statistics.
    ///
    /// Call it with the start time actually used, before ``completeCycle(finishedAt:)``. The result is
    /// `start − nextDue`: zero when on time, positive when late, negative if started early.
    public func lateness(startedAt start: Duration) -> Duration {
        start - nextDue
    }
}
