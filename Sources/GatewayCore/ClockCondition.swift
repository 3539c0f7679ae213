/// Why a reading's time may be wrong, though its value is not: the wall clock that stamped it was not
/// synchronised, or had just been stepped. The reading's quality stays as it is (docs/operations.md,
/// "Time").
public enum ClockCondition: String, Sendable, Hashable, CaseIterable {
    /// The kernel reports the system clock not synchronised (no NTP or chrony, or not yet in sync).
    case unsynchronised
    /// The wall clock jumped against the monotonic clock (by more than the step threshold) shortly
    /// before the reading was taken.
    case stepped
}
