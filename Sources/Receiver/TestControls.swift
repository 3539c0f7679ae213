/// The state behind `POST /control/unavailable` and `POST /control/reject`: failures a test or a
/// demo asks the receiver to simulate on `/batches`.
actor TestControls {
    /// What the next batch request is answered with instead of being processed.
    enum Verdict: Sendable, Equatable {
        /// 503 with `Retry-After`.
        case unavailable(retryAfter: Int)
        /// The given status.
        case reject(status: Int)
    }

    private var unavailableUntil: ContinuousClock.Instant?
    private var retryAfter = 0
    private var rejectStatus = 0
    private var rejectRemaining = 0

    /// Answers `/batches` with 503 and `Retry-After: retryAfter` for `seconds` seconds (0 ends it).
    func makeUnavailable(seconds: Double, retryAfter: Int) {
        unavailableUntil = seconds > 0 ? .now + .milliseconds(Int64(seconds * 1000)) : nil
        self.retryAfter = retryAfter
    }

    /// Answers the next `count` batch requests with `status`.
    func reject(status: Int, count: Int) {
        rejectStatus = status
        rejectRemaining = count
    }

    /// The verdict for the batch request now arriving, consuming one rejection if any are pending.
    func verdictForNextBatch() -> Verdict? {
        if let until = unavailableUntil {
            if ContinuousClock.now < until { return .unavailable(retryAfter: retryAfter) }
            unavailableUntil = nil
        }
        if rejectRemaining > 0 {
            rejectRemaining -= 1
            return .reject(status: rejectStatus)
        }
        return nil
    }
}
