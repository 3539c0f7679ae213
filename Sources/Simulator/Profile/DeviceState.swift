/// The condition a simulated device is put in, on the command line (`--state 3:fault`) or at run
/// time (a line `3 fault` on standard input).
public enum DeviceState: String, Sendable, Hashable, CaseIterable {
    /// Plausible, quiet values; status bits clear.
    case normal
    /// Gas above its first alarm level (or H); the device's own first alarm bit set.
    case alarm1
    /// Gas above its second alarm level (or HH); both alarm bits set.
    case alarm2
    /// The instrument reports a fault (fault bit or state, fault sentinel, or an NE43 fault current).
    case fault
    /// The instrument is in calibration: its inhibit bit or state is set.
    case calibration
    /// The instrument is warming up.
    case warmup
    /// The reading is above the measuring range; the over-range bit is set.
    case overrange
}
