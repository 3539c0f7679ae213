public import GatewayCore

/// Detects steps of the wall clock against the monotonic clock, and says whether a reading taken now
/// carries a time that may be wrong. A pure state machine fed with pairs of clock readings (wall time,
/// monotonic time); it never reads a clock itself.
///
/// Between two samples both clocks advance by the same amount unless the wall clock was set: NTP or
/// chrony stepping it, an operator, a battery-less box booting at 1970 and corrected later. A
/// difference between the two advances of more than ``threshold`` is a step; slewing (NTP's gradual
/// correction, at most 0.5 ms per second) stays far below it.
public struct ClockStepDetector: Sendable {
    /// A wall-clock step.
    public struct Step: Sendable, Hashable {
        /// How far the wall clock jumped, in milliseconds: positive forward, negative backward.
        public var milliseconds: Int64
        /// When it was detected, in monotonic time since the caller's origin.
        public var detectedAt: Duration
    }

    /// The smallest difference between the wall and the monotonic advance taken as a step (default 1 s).
    public let threshold: Duration
    /// How long after a step readings are flagged ``ClockCondition/stepped`` (default 60 s).
    public let window: Duration
    /// The last step detected.
    public private(set) var lastStep: Step?
    private var last: (wall: Int64, monotonic: Duration)?

    public init(threshold: Duration = .seconds(1), window: Duration = .seconds(60)) {
        self.threshold = threshold
        self.window = window
    }

    /// Records a pair of clock readings taken together; returns the step, when the wall clock moved by
    /// more than ``threshold`` besides the monotonic advance since the previous pair.
    /// - Parameters:
    ///   - wallMilliseconds: the wall clock, in milliseconds since 1970 (UTC).
    ///   - monotonic: the monotonic clock, since the caller's origin.
    public mutating func observe(wallMilliseconds: Int64, monotonic: Duration) -> Step? {
        defer { last = (wallMilliseconds, monotonic) }
        guard let last, monotonic >= last.monotonic else { return nil }
        let monotonicAdvance = (monotonic - last.monotonic) / .milliseconds(1)
        let difference = Double(wallMilliseconds - last.wall) - monotonicAdvance
        guard abs(difference) > threshold / .milliseconds(1) else { return nil }
        let step = Step(milliseconds: Int64(difference.rounded()), detectedAt: monotonic)
        lastStep = step
        return step
    }

    /// Why the time of a reading taken at `monotonic` may be wrong: ``ClockCondition/stepped`` within
    /// ``window`` after a step, else ``ClockCondition/unsynchronised`` when the kernel says the clock is
    /// not synchronised, else nil (`synchronized` nil: the kernel cannot tell, no flag).
    public func condition(synchronized: Bool?, at monotonic: Duration) -> ClockCondition? {
        if let lastStep, monotonic - lastStep.detectedAt <= window { return .stepped }
        return synchronized == false ? .unsynchronised : nil
    }
}
