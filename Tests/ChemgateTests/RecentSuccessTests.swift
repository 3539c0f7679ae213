import GatewayCore
import Testing

@testable import chemgate

/// A detector dead for the last minutes reads 0 % recent success, not its whole-life 90 %.
@Suite("Recent success ratio")
struct RecentSuccessTests {
    static func device(polls: Int, answered: Int) -> HealthSnapshot.Device {
        HealthSnapshot.Device(
            id: "gd-106",
            name: nil,
            location: nil,
            link: "gas-bus",
            unit: 6,
            state: "ok",
            lastGoodRead: nil,
            polls: polls,
            answered: answered,
            successRatio: Double(answered) / Double(polls)
        )
    }

    @Test func theRatioCoversTheWindowOnly() {
        let recent = RecentSuccess(window: .seconds(300))
        let start = ContinuousClock.now
        var devices = [Self.device(polls: 900, answered: 900)]
        recent.annotate(&devices, now: start)
        #expect(devices[0].recentSuccessRatio == nil)  // nothing to compare with yet
        devices = [Self.device(polls: 1000, answered: 900)]
        recent.annotate(&devices, now: start + .seconds(60))
        #expect(devices[0].recentSuccessRatio == 0)
        #expect(devices[0].successRatio == 0.9)
        // Beyond the window, the first sample is forgotten: the ratio is over the last samples only.
        devices = [Self.device(polls: 1100, answered: 1000)]
        recent.annotate(&devices, now: start + .seconds(400))
        #expect(devices[0].recentSuccessRatio == 1)
    }
}
