import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate status` against a running `chemgate run`, as an operator's script would use it.
@Suite("chemgate status")
struct StatusCommandTests {
    @Test func healthyThenUnhealthyExitCodes() async throws {
        try await withTCPSimulator(units: [1, 2]) { (endpoint, simulator, _) async throws in
            let port = try Tools.freePort()
            let directory = try Tools.temporaryDirectory()
            let config = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-CLI, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)", timeout: 100ms } ]
            scan_classes: { fast: 200ms }
            default_scan: fast
            polling: { demote_after: 2 }
            status: { listen: "127.0.0.1:\(port)", token_env: CHEMGATE_TEST_STATUS_TOKEN }
            devices:
              - { id: u1, link: plc, unit: 1, map: chemgate/simulator }
              - { id: u2, link: plc, unit: 2, map: chemgate/simulator }
            """.write(to: config, atomically: true, encoding: .utf8)
            setenv("CHEMGATE_TEST_STATUS_TOKEN", "t0ken", 1)
            let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", config.path, "--output", "jsonl"])
            defer { run.signal(SIGTERM) }
            try await run.waitForLine(containing: "\"device\":\"u2\"")
            let url = "http://127.0.0.1:\(port)"
            var healthy = try await ChildProcess.run(
                try Tools.chemgate(),
                ["status", "--url", url, "--token", "t0ken"]
            )
            for _ in 0..<20 where !healthy.output.contains("devices: 2/2 answering") {
                try await Task.sleep(for: .milliseconds(100))
                healthy = try await ChildProcess.run(
                    try Tools.chemgate(),
                    ["status", "--url", url, "--token", "t0ken"]
                )
            }
            // All clear exits 0 (OK); on a machine whose clock is not synchronised, monitoring is
            // degraded and it exits 1 (WARNING), saying why.
            let clockUnsynchronised = healthy.output.contains("the system clock is not synchronised")
            #expect(healthy.status == (clockUnsynchronised ? 1 : 0), "\(healthy.output)")
            #expect(healthy.output.contains("GW-CLI"))
            #expect(healthy.output.contains(clockUnsynchronised ? "WARNING Monitoring degraded" : "OK All clear"))
            #expect(healthy.output.contains("alarms: level 2 0, level 1 0"))

            let refused = try await ChildProcess.run(
                try Tools.chemgate(),
                ["status", "--url", url, "--token", "wrong"]
            )
            #expect(refused.status == 3)
            #expect(refused.output.contains("refused the token (401)"), "\(refused.output)")

            simulator.setFaults([.noReply], unit: 2)
            var unhealthy = healthy
            for _ in 0..<40 where unhealthy.status != 2 {
                try await Task.sleep(for: .milliseconds(100))
                unhealthy = try await ChildProcess.run(
                    try Tools.chemgate(),
                    ["status", "--url", url, "--token", "t0ken"]
                )
            }
            #expect(unhealthy.status == 2, "\(unhealthy.output)")
            #expect(unhealthy.output.contains("CRITICAL Detector fault"), "\(unhealthy.output)")
            #expect(unhealthy.output.contains("not protecting: u2 (not answering)"), "\(unhealthy.output)")
            #expect(unhealthy.output.contains("problem: device u2"), "\(unhealthy.output)")
        }
    }

    @Test func aRefusedConnectionFailsAtOnceWithExit3() async throws {
        let port = try Tools.freePort()
        let started = ContinuousClock.now
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            ["status", "--url", "http://127.0.0.1:\(port)", "--timeout", "15"]
        )
        #expect(ContinuousClock.now - started < .seconds(7), "waited for the timeout on a refused connection")
        #expect(result.status == 3)
        #expect(result.output.contains("connection refused: nothing listens there"), "\(result.output)")
        #expect(!result.output.contains("errno"), "\(result.output)")
    }
}
