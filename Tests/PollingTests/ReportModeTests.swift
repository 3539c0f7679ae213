import DeviceMap
import Foundation
import GatewayCore
import Polling
import TestSupport
import Testing

/// Issue #20 item 2: `report: exception | every_poll` on the site, a scan class or a point.
@Suite("Report modes")
struct ReportModeTests {
    @Test func thePointsModeOverridesItsScanClassesWhichOverridesTheSites() throws {
        let site = try PollingFixture.site(
            """
            links: [ { id: plc, endpoint: "tcp://127.0.0.1:1502" } ]
            scan_classes: { fast: { period: 100ms, report: every_poll }, slow: 5s }
            default_scan: slow
            polling: { report: exception }
            devices:
              - id: u1
                link: plc
                unit: 1
                map: chemgate/simulator
                points: { gas: { scan: fast, report: exception }, level: { scan: fast }, pressure: { report: every_poll } }
            """
        )
        #expect(site.scanClasses["fast"] == .milliseconds(100))
        let points = Dictionary(uniqueKeysWithValues: (site.devices.first?.points ?? []).map { ($0.id, $0) })
        let mode = { (id: String) in points[id].map(site.reportMode(of:)) }
        #expect(mode("gas") == .exception, "the point's own")
        #expect(mode("level") == .everyPoll, "its scan class's")
        #expect(mode("pressure") == .everyPoll, "the point's own over the site's")
        #expect(mode("temperature") == .exception, "the site's")
    }

    @Test func anUnknownModeIsAnErrorNamingTheChoices() throws {
        #expect {
            try PollingFixture.site(
                """
                links: [ { id: plc, endpoint: "tcp://127.0.0.1:1502" } ]
                polling: { report: always }
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
        } throws: { error in
            "\(error)".contains("exception or every_poll") && "\(error)".contains("always")
        }
    }

    @Test func everyPollReportsEachPollOfAnUnchangedPoint() async throws {
        try await withTCPSimulator { endpoint, _, _ in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator, points: { unit_id: { report: every_poll } } } ]
                """
            )
            try await fixture.polling { try await Task.sleep(for: .milliseconds(1000)) }
            let unitID = await fixture.sink.readings(device: "u1", point: "unit_id")
            #expect(unitID.count >= 7, "\(unitID.count) records in 1 s at 100 ms")
            #expect(unitID.first?.report == .change)
            #expect(unitID.dropFirst().allSatisfy { $0.report == .poll })
        }
    }
}
