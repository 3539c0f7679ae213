import DeviceMap
import Foundation
import Testing

/// One broken configuration per finding of the configuration probe (issue #12, items 7, 9, 11, 12):
/// each file in Fixtures/refused-sites and Fixtures/refused-maps is refused with exactly the errors
/// its `# expect:` markers name, each on its line, and nothing crashes or hangs.
@Suite("Refused configurations: numbers, durations, sizes, ids, URLs and YAML features", .timeLimit(.minutes(1)))
struct RefusedConfigTests {
    @Test("refused site configurations", arguments: FixtureExpectation.files(in: "refused-sites"))
    func refusedSite(file: String) throws {
        let url = FixtureExpectation.folder.appendingPathComponent("refused-sites/\(file)")
        let issues = try BrokenConfigTests.issues { () throws(ConfigErrors) in
            _ = try SiteConfigLoader.load(path: url.path)
        }
        #expect(issues.allSatisfy { $0.line > 0 }, "\(issues)")
        try BrokenConfigTests.check(issues, against: FixtureExpectation.read(url), file: file)
    }

    @Test("refused device maps", arguments: FixtureExpectation.files(in: "refused-maps"))
    func refusedMap(file: String) throws {
        let url = FixtureExpectation.folder.appendingPathComponent("refused-maps/\(file)")
        let issues = try BrokenConfigTests.issues { () throws(ConfigErrors) in
            _ = try DeviceMapLoader.load(path: url.path, displayName: file)
        }
        #expect(issues.allSatisfy { $0.line > 0 }, "\(issues)")
        try BrokenConfigTests.check(issues, against: FixtureExpectation.read(url), file: file)
    }

    @Test func theProbeFindingsAreAllCovered() {
        #expect(FixtureExpectation.files(in: "refused-sites").count >= 40)
        #expect(FixtureExpectation.files(in: "refused-maps").count >= 25)
    }

    /// Item 12: the password of a `user:password@` URL appears neither in the message nor in the quoted line.
    @Test func aPasswordInAnUplinkURLIsNeverEchoed() throws {
        let url = FixtureExpectation.folder.appendingPathComponent("refused-sites/url-credentials.yaml")
        let issues = try BrokenConfigTests.issues { () throws(ConfigErrors) in
            _ = try SiteConfigLoader.load(path: url.path)
        }
        let text = ConfigErrors(issues).description
        #expect(!text.contains("s3cr3t-pw"), "\(text)")
        #expect(text.contains("https://gateway:****@park.example/api"), "\(text)")
        #expect(text.contains("token_env"))
        let endpoint = FixtureExpectation.folder.appendingPathComponent("refused-sites/endpoint-credentials.yaml")
        let endpointIssues = try BrokenConfigTests.issues { () throws(ConfigErrors) in
            _ = try SiteConfigLoader.load(path: endpoint.path)
        }
        #expect(!ConfigErrors(endpointIssues).description.contains("plc-pw"))
    }

    /// Item 11: a 1 MB device id is refused with its line, and the message does not repeat it.
    @Test func aOneMegabyteIdIsRefusedWithoutEchoingIt() throws {
        let id = String(repeating: "x", count: 1 << 20)
        let issues = try SiteFile.issues(
            """
            gateway: { id: GW-1, enterprise: E-1 }
            links: [ { id: plc, endpoint: "tcp://127.0.0.1:502" } ]
            devices: [ { id: \(id), link: plc, unit: 1, map: test/detector } ]
            """
        )
        let issue = try #require(issues.first { $0.line == 3 })
        #expect(
            issue.message.contains("is 1048576 bytes long; at most 4096 are allowed"),
            "\(issue.message.prefix(300))"
        )
        #expect(issue.message.count < 300)
    }

    /// Item 7: `scale: 0` is refused in a site's device map, not only in the map on its own.
    @Test func aZeroScaleIsRefusedWhenCheckingTheSite() throws {
        let issues = try SiteFile.issues(
            """
            gateway: { id: GW-1, enterprise: E-1 }
            links: [ { id: plc, endpoint: "tcp://127.0.0.1:502" } ]
            devices: [ { id: d1, link: plc, unit: 1, map: test/zero-scale } ]
            """,
            maps: [
                "test/zero-scale.yaml": """
                vendor: Test
                model: Zero
                source: { document: fixture }
                points:
                  - { id: lel, table: holding, address: 0, type: int16, scale: 0, unit: "%LEL", category: gas }
                """
            ]
        )
        #expect(issues.count == 1)
        #expect(issues.first?.file == "maps/test/zero-scale.yaml")
        #expect(issues.first?.line == 5)
        #expect(issues.first?.message.contains("'scale' in point 'lel' must not be 0") == true, "\(issues)")
    }
}

/// A site file (and maps) written to a temporary directory, loaded, and its errors returned.
enum SiteFile {
    static func issues(_ site: String, maps: [String: String] = [:]) throws -> [ConfigIssue] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chemgate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mapsDirectory = directory.appendingPathComponent("maps")
        try FileManager.default.createDirectory(
            at: mapsDirectory.appendingPathComponent("test"),
            withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(
            at: FixtureExpectation.folder.appendingPathComponent("maps/test/detector.yaml"),
            to: mapsDirectory.appendingPathComponent("test/detector.yaml")
        )
        for (path, text) in maps {
            try text.write(to: mapsDirectory.appendingPathComponent(path), atomically: true, encoding: .utf8)
        }
        let file = directory.appendingPathComponent("site.yaml")
        try (site + "\ndevices_path: maps\n").write(to: file, atomically: true, encoding: .utf8)
        return try BrokenConfigTests.issues { () throws(ConfigErrors) in _ = try SiteConfigLoader.load(path: file.path)
        }
    }
}
