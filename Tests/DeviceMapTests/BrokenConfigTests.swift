import DeviceMap
import Foundation
import Testing

/// Every file in Fixtures/broken-maps and Fixtures/broken-sites produces exactly the errors its
/// `# expect:` markers name, each on its marked line, all in one pass.
@Suite("Broken configurations name file, line and fix")
struct BrokenConfigTests {
    @Test("broken device maps", arguments: FixtureExpectation.files(in: "broken-maps"))
    func brokenMap(file: String) throws {
        let url = FixtureExpectation.folder.appendingPathComponent("broken-maps/\(file)")
        let issues = try Self.issues { () throws(ConfigErrors) in
            _ = try DeviceMapLoader.load(path: url.path, displayName: file)
        }
        try Self.check(issues, against: FixtureExpectation.read(url), file: file)
    }

    @Test("broken site configurations", arguments: FixtureExpectation.files(in: "broken-sites"))
    func brokenSite(file: String) throws {
        let url = FixtureExpectation.folder.appendingPathComponent("broken-sites/\(file)")
        let issues = try Self.issues { () throws(ConfigErrors) in _ = try SiteConfigLoader.load(path: url.path) }
        try Self.check(issues.filter { $0.file.hasSuffix(file) }, against: FixtureExpectation.read(url), file: file)
    }

    @Test func errorsInsideAMapAreReportedWhenCheckingTheSite() throws {
        let yaml = """
            gateway: { id: GW-1, enterprise: E-1 }
            devices_path: ../maps
            links: [ { id: plc, endpoint: "tcp://127.0.0.1:502" } ]
            devices: [ { id: d1, link: plc, unit: 1, map: test/broken } ]
            """
        let url = FixtureExpectation.folder.appendingPathComponent("broken-sites/generated-\(UUID().uuidString).yml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let issues = try Self.issues { () throws(ConfigErrors) in _ = try SiteConfigLoader.load(path: url.path) }
        #expect(issues.count == 1)
        #expect(issues.first?.file == "../maps/test/broken.yaml")
        #expect(issues.first?.line == 5)
        #expect(issues.first?.message.contains("unknown category 'gaz'") == true)
    }

    static func issues(_ load: () throws(ConfigErrors) -> Void) throws -> [ConfigIssue] {
        do throws(ConfigErrors) {
            try load()
        } catch {
            return error.errors
        }
        throw TestFailureNote("the configuration loaded without errors")
    }

    static func check(_ issues: [ConfigIssue], against expectations: [FixtureExpectation], file: String) throws {
        #expect(!expectations.isEmpty, "\(file) has no '# expect:' markers")
        for expectation in expectations {
            let match = issues.contains { $0.line == expectation.line && $0.message.contains(expectation.fragment) }
            #expect(
                match,
                "\(file): missing \(expectation); got:\n\(issues.map(\.description).joined(separator: "\n"))"
            )
        }
        let unexpected = issues.filter { issue in
            !expectations.contains { issue.line == $0.line && issue.message.contains($0.fragment) }
        }
        #expect(unexpected.isEmpty, "\(file): unexpected:\n\(unexpected.map(\.description).joined(separator: "\n"))")
    }
}

struct TestFailureNote: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
