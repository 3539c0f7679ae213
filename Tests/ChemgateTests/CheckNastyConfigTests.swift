import Foundation
import TestSupport
import Testing

/// `chemgate check` as a process on configurations that used to crash it with Signal 4 or keep it at
/// 100 % CPU (issue #12, item 9): each ends with exit status 1 and errors naming their lines.
@Suite("chemgate check on nasty configurations")
struct CheckNastyConfigTests {
    static let fixtures = Tools.repositoryRoot.appendingPathComponent("Tests/DeviceMapTests/Fixtures")

    @Test func hugeNumbersAreErrorsNotSignals() async throws {
        let directory = try Tools.temporaryDirectory()
        let site = directory.appendingPathComponent("huge.yaml")
        try """
        gateway: { id: GW-1, enterprise: E-1 }
        devices_path: \(Self.fixtures.path)/maps
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:502", timeout: 1e300s } ]
        scan_classes: { fast: 1e300d, normal: 5s }
        devices: [ { id: d1, link: plc, unit: 1, map: test/detector } ]
        uplinks: [ { id: park, url: "https://park.example/api", batch_delay: 1e300s, heartbeat: 0s, timeout: 0ms } ]
        storage: { retention: 1e300d, max_size: 99999999999999TB }
        polling: { probe_interval: 0ms }

        """.write(to: site, atomically: true, encoding: .utf8)
        for command in [["check", site.path], ["run", "--config", site.path]] {
            let result = try await ChildProcess.run(try Tools.chemgate(), command, timeout: .seconds(20))
            #expect(result.status == 1, "\(command[0]): exit status \(result.status): \(result.output)")
            for line in [3, 4, 6, 7, 8] {
                #expect(result.output.contains("huge.yaml:\(line):"), "\(command[0]): no error on line \(line)")
            }
            #expect(result.output.contains("8 errors in the configuration"), "\(command[0]): \(result.output)")
        }
    }

    @Test func anAliasBombUsedAsAKeyIsRefusedAtOnce() async throws {
        let file = Self.fixtures.appendingPathComponent("refused-sites/alias-bomb.yaml").path
        let started = ContinuousClock.now
        let result = try await ChildProcess.run(try Tools.chemgate(), ["check", file], timeout: .seconds(20))
        #expect(result.status == 1, "exit status \(result.status): \(result.output)")
        #expect(result.output.contains("alias-bomb.yaml:10:"), "\(result.output)")
        #expect(result.output.contains("the aliases of this file expand to more than 100000 values"))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func randomValuesInEveryFieldNeverKillCheck() async throws {
        let directory = try Tools.temporaryDirectory()
        let site = directory.appendingPathComponent("nasty.yaml")
        try """
        gateway: { id: "GW\\u0007/1", enterprise: "E 1", name: "\\u202E\\u0000" }
        devices_path: \(Self.fixtures.path)/maps
        links: [ { id: plc, endpoint: "rtu:///dev/null?baud=99999999999999999999", timeout: .inf } ]
        devices: [ { id: d1, link: plc, unit: 1:1:1:1:1:1:1:1:1:1:1:1, map: test/detector, points: { lel: { frozen_after: infs, alarms: { level1: .nan } } } } ]
        uplinks: [ { id: park, url: "https://gw:hunter2@park.example:99999/a b", batch_records: 99999999999999999999 } ]
        storage: { max_size: infGB }

        """.write(to: site, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["check", site.path], timeout: .seconds(20))
        #expect(result.status == 1, "exit status \(result.status): \(result.output)")
        for line in [1, 3, 4, 5, 6] {
            #expect(result.output.contains("nasty.yaml:\(line):"), "no error on line \(line): \(result.output)")
        }
        #expect(!result.output.contains("hunter2"))
    }
}
