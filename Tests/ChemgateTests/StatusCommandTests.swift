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
            for _ in 0..<20 where healthy.status != 0 {
                try await Task.sleep(for: .milliseconds(100))
                healthy = try await ChildProcess.run(
                    try Tools.chemgate(),
                    ["status", "--url", url, "--token", "t0ken"]
                )
            }
            #expect(healthy.status == 0, "\(healthy.output)")
            #expect(healthy.output.contains("GW-CLI"))
            #expect(healthy.output.contains("healthy"))
            #expect(healthy.output.contains("devices:"))

            let refused = try await ChildProcess.run(
                try Tools.chemgate(),
                ["status", "--url", url, "--token", "wrong"]
            )
            #expect(refused.status == 2)
            #expect(refused.output.contains("401"))

            simulator.setFaults([.noReply], unit: 2)
            var unhealthy = healthy
            for _ in 0..<40 where unhealthy.status == 0 {
                try await Task.sleep(for: .milliseconds(100))
                unhealthy = try await ChildProcess.run(
                    try Tools.chemgate(),
                    ["status", "--url", url, "--token", "t0ken"]
                )
            }
            #expect(unhealthy.status == 1, "\(unhealthy.output)")
            #expect(unhealthy.output.contains("UNHEALTHY"))
            #expect(unhealthy.output.contains("problem: device u2 is demoted"))
        }
    }

    @Test func anUnreachableGatewayExitsWith2() async throws {
        let port = try Tools.freePort()
        let result = try await ChildProcess.run(try Tools.chemgate(), ["status", "--url", "http://127.0.0.1:\(port)"])
        #expect(result.status == 2)
        #expect(result.output.contains("cannot read"))
    }
}
