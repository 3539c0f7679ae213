import DeviceMap
import Foundation
import Testing

/// `storage.min_free` (issue #18, item 5): a percentage of the log's file system, 5 % by default.
/// Refused values (over 50 %, negative, NaN, without `%`) are in Fixtures/refused-sites/min-free-*.yaml.
@Suite struct StorageMinFreeTests {
    func load(_ storage: String) throws -> SiteConfig {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("min-free-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-1, enterprise: E-1 }
        devices_path: \(FixtureExpectation.folder.appendingPathComponent("maps").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:502" } ]
        devices: [ { id: d1, link: plc, unit: 1, map: test/detector } ]
        \(storage)
        """.write(to: file, atomically: true, encoding: .utf8)
        return try SiteConfigLoader.load(path: file.path).0
    }

    @Test func defaultsToFivePercent() throws {
        #expect(try load("").storage.minFree == 0.05)
    }

    @Test func takesAPercentage() throws {
        #expect(try load("storage: { min_free: 10% }").storage.minFree == 0.1)
        #expect(try load("storage: { min_free: 0% }").storage.minFree == 0)
        #expect(try load("storage: { min_free: 12.5% }").storage.minFree == 0.125)
    }
}
