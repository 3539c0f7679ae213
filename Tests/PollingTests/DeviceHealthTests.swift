import Polling
import Testing

@Suite struct DeviceHealthTests {
    @Test func startsHealthyAndPolled() {
        let health = DeviceHealth()
        #expect(health.state == .healthy(consecutiveFailures: 0))
        #expect(!health.isDemoted)
        #expect(health.action(at: .zero) == .poll)
        #expect(health.demoteAfter == 3)
        #expect(health.probeInterval == .seconds(30))
    }

    @Test func fullPathDemoteProbeRecover() {
        var health = DeviceHealth(demoteAfter: 3, probeInterval: .seconds(30))

        #expect(health.record(success: false, at: .seconds(1)) == nil)
        #expect(health.state == .healthy(consecutiveFailures: 1))
        #expect(health.record(success: false, at: .seconds(2)) == nil)
        #expect(health.state == .healthy(consecutiveFailures: 2))
        #expect(health.action(at: .seconds(3)) == .poll)
        #expect(health.record(success: false, at: .seconds(3)) == .demoted)
        #expect(health.state == .demoted(since: .seconds(3), nextProbe: .seconds(33)))
        #expect(health.isDemoted)

        // Skipped until the probe is due, probed exactly at nextProbe and after.
        #expect(health.action(at: .seconds(4)) == .skip)
        #expect(health.action(at: .seconds(33) - .nanoseconds(1)) == .skip)
        #expect(health.action(at: .seconds(33)) == .probe)
        #expect(health.action(at: .seconds(40)) == .probe)

        // A failed probe reschedules from the probe's end, keeps `since`, no transition.
        #expect(health.record(success: false, at: .seconds(34)) == nil)
        #expect(health.state == .demoted(since: .seconds(3), nextProbe: .seconds(64)))
        #expect(health.action(at: .seconds(40)) == .skip)
        #expect(health.action(at: .seconds(64)) == .probe)

        // An answered probe promotes the device back.
        #expect(health.record(success: true, at: .seconds(64)) == .recovered)
        #expect(health.state == .healthy(consecutiveFailures: 0))
        #expect(!health.isDemoted)
        #expect(health.action(at: .seconds(65)) == .poll)
    }

    @Test func successInBetweenResetsCount() {
        var health = DeviceHealth(demoteAfter: 3)
        health.record(success: false, at: .seconds(1))
        health.record(success: false, at: .seconds(2))
        #expect(health.record(success: true, at: .seconds(3)) == nil)
        #expect(health.state == .healthy(consecutiveFailures: 0))
        #expect(health.record(success: false, at: .seconds(4)) == nil)
        #expect(health.record(success: false, at: .seconds(5)) == nil)
        #expect(!health.isDemoted)
        #expect(health.record(success: false, at: .seconds(6)) == .demoted)
    }

    @Test func demoteAfterOne() {
        var health = DeviceHealth(demoteAfter: 1, probeInterval: .seconds(5))
        #expect(health.record(success: false, at: .seconds(10)) == .demoted)
        #expect(health.state == .demoted(since: .seconds(10), nextProbe: .seconds(15)))
    }

    @Test(arguments: [0, -1, Int.min])
    func demoteAfterBelowOneIsTreatedAsOne(demoteAfter: Int) {
        var health = DeviceHealth(demoteAfter: demoteAfter)
        #expect(health.demoteAfter == 1)
        #expect(health.record(success: false, at: .zero) == .demoted)
    }

    @Test func recoveredDeviceNeedsFullCountAgain() {
        var health = DeviceHealth(demoteAfter: 2, probeInterval: .seconds(1))
        health.record(success: false, at: .seconds(1))
        health.record(success: false, at: .seconds(2))
        #expect(health.record(success: true, at: .seconds(3)) == .recovered)
        #expect(health.record(success: false, at: .seconds(4)) == nil)
        #expect(health.record(success: false, at: .seconds(5)) == .demoted)
    }
}
