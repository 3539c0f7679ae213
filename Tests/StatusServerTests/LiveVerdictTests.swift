import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import Polling
import Simulator
import StatusServer
import TestSupport
import Testing

/// The verdict of a real poller reading simulated gas detectors: a level-2 alarm, a fault and a
/// calibration are never shown as all clear (the green badge over all three).
@Suite("Verdict of a polled site")
struct LiveVerdictTests {
    @Test func alarmFaultAndCalibrationFromRealDevices() async throws {
        let fixture = try StatusFixture(units: [1, 2, 3, 4])
        fixture.simulator.setState(.alarm2, unit: 1)
        fixture.simulator.setState(.fault, unit: 2)
        fixture.simulator.setState(.calibration, unit: 3)
        try await fixture.polling {
            try await fixture.waitForPolls(3)
            let app = Application(
                router: StatusRoutes.router(
                    reporter: fixture.health,
                    registry: sharedRegistry,
                    token: nil,
                    logger: quietLogger
                )
            )
            let (json, html) = try await app.test(.router) { client in
                let json = try await client.execute(uri: "/status", method: .get) { String(buffer: $0.body) }
                let html = try await client.execute(uri: "/?lang=zh", method: .get) { String(buffer: $0.body) }
                return (json, html)
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let snapshot = try decoder.decode(HealthSnapshot.self, from: Data(json.utf8))
            let verdict = try #require(snapshot.verdict)
            #expect(verdict.badge == .alarm2, "\(verdict)")
            #expect(verdict.alarmsLevel2 >= 1)
            #expect(verdict.notProtecting.contains(.init(device: "gd-2", reason: .fault)), "\(verdict.notProtecting)")
            #expect(
                verdict.notProtecting.contains(.init(device: "gd-3", reason: .calibration)),
                "\(verdict.notProtecting)"
            )
            #expect(!verdict.notProtecting.contains { $0.device == "gd-4" })
            #expect(html.contains("<title>二级报警"))
            #expect(!html.contains("3276.7"), "the faulted detector's sentinel is not a value")
        }
    }

    @Test func aSilentLineIsOneProblem() async throws {
        let fixture = try StatusFixture(
            units: [1, 2, 3],
            faults: [1, 2, 3].map { UnitFault(unit: $0, fault: .noReply) }
        )
        try await fixture.polling {
            let deadline = ContinuousClock.now + .seconds(10)
            var verdict = SiteVerdict(snapshot: await fixture.health.snapshot())
            while !verdict.problems.contains(where: { $0.code == .lineSilent }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                verdict = SiteVerdict(snapshot: await fixture.health.snapshot())
            }
            #expect(
                verdict.problems.map(\.code).filter { $0 != .clockUnsynchronised } == [.lineSilent],
                "\(verdict.problems)"
            )
            #expect(verdict.problems.first?.subject == "plc")
            #expect(verdict.problems.first?.count == 3)
            #expect(verdict.monitoring == .lost)
            #expect(verdict.notProtecting.count == 3)
        }
    }
}
