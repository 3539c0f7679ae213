import DeviceMap
import Foundation
import TestSupport
import Testing

/// `status.time_zone`: the page's local time; a name that is not a time zone fails `chemgate check`.
@Suite("status.time_zone")
struct StatusTimeZoneTests {
    static func site(_ zone: String?) throws -> URL {
        let file = try Tools.temporaryDirectory().appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-TZ, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:1502" } ]
        scan_classes: { fast: 1s }
        default_scan: fast
        status: { listen: "127.0.0.1:8080"\(zone.map { ", time_zone: \($0)" } ?? "") }
        devices:
          - { id: u1, link: plc, unit: 1, map: chemgate/simulator }
        """.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func defaultAndConfiguredZones() throws {
        #expect(try SiteConfigLoader.load(path: Self.site(nil).path).0.status.timeZone == "Asia/Shanghai")
        #expect(try SiteConfigLoader.load(path: Self.site("Europe/Berlin").path).0.status.timeZone == "Europe/Berlin")
    }

    @Test func anUnknownZoneFailsTheCheck() async throws {
        let result = try await ChildProcess.run(try Tools.chemgate(), ["check", try Self.site("Mars/Olympus").path])
        #expect(result.status != 0)
        #expect(
            result.output.contains("time_zone is an IANA time zone such as Asia/Shanghai, not 'Mars/Olympus'"),
            "\(result.output)"
        )
    }
}
