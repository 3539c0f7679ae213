import DeviceMap
import Foundation
import TestSupport
import Testing

/// Settings that load but are probably not what was meant are reported as warnings with their line.
@Suite("Site configuration warnings")
struct SiteWarningTests {
    static func warnings(_ yaml: String) throws -> [ConfigIssue] {
        let file = try Tools.temporaryDirectory().appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-1, enterprise: E-1 }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:502" } ]
        devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
        \(yaml)
        """.write(to: file, atomically: true, encoding: .utf8)
        return try SiteConfigLoader.load(path: file.path).1
    }

    @Test(arguments: ["https://park.example/api/batches", "https://park.example/api/heartbeats/"])
    func anUplinkURLEndingInAnEndpointIsReported(url: String) throws {
        let warnings = try Self.warnings("uplinks: [ { id: park, url: \"\(url)\" } ]")
        #expect(warnings.count == 1)
        #expect(warnings.first?.line == 5)
        #expect(warnings.first?.message.contains("the platform's base URL") == true, "\(warnings)")
    }

    @Test func aBaseURLIsNotReported() throws {
        #expect(try Self.warnings("uplinks: [ { id: park, url: \"https://park.example/api/chemgate\" } ]").isEmpty)
    }

    @Test func aRetentionUnderThirtyDaysIsReported() throws {
        let warnings = try Self.warnings("storage: { retention: 7d }")
        #expect(warnings.first?.message.contains("under the 30 days") == true, "\(warnings)")
    }
}
