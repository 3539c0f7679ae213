import CSystemClock
import GatewayCore

extension HealthSnapshot.Clock {
    /// What the kernel says about the system clock (`adjtimex`): whether NTP or chrony keeps it
    /// synchronised and its estimated offset. Readings carry this clock's time, so an
    /// unsynchronised clock is something the status endpoint reports.
    static func current() -> HealthSnapshot.Clock {
        var synchronized: Int32 = 0
        var offset: Double = 0
        guard chemgate_clock_status(&synchronized, &offset) == 0 else {
            return HealthSnapshot.Clock(synchronized: nil, offsetMs: nil)
        }
        return HealthSnapshot.Clock(synchronized: synchronized != 0, offsetMs: synchronized != 0 ? offset : nil)
    }
}
