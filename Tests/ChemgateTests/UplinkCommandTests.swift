import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate run` forwarding its log to a `chemgate receive` process, watched with `chemgate status`.
@Suite("chemgate run with an uplink, chemgate receive, chemgate status")
struct UplinkCommandTests {
    @Test func readingsReachTheReceiverAndStatusShowsTheUplink() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let directory = try Tools.temporaryDirectory()
            setenv("CHEMGATE_TEST_PARK_TOKEN", "park", 1)
            let receive = try ChildProcess(
                try Tools.chemgate(),
                [
                    "receive", "--listen", "127.0.0.1:0", "--database",
                    directory.appendingPathComponent("receiver.sqlite").path, "--token-env", "CHEMGATE_TEST_PARK_TOKEN",
                ]
            )
            defer { receive.signal(SIGTERM) }
            let listening = try await receive.waitForLine(containing: "listening on http://")
            let receiver = String(listening.split(separator: " ").last!)
            let statusPort = try Tools.freePort()
            let config = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-UP, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 200ms }
            default_scan: fast
            storage: { path: "\(directory.appendingPathComponent("log.sqlite").path)" }
            status: { listen: "127.0.0.1:\(statusPort)" }
            uplinks: [ { id: park, url: "\(receiver)", token_env: CHEMGATE_TEST_PARK_TOKEN, batch_delay: 200ms, heartbeat: 1s } ]
            devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
            """.write(to: config, atomically: true, encoding: .utf8)
            let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", config.path])
            defer { run.signal(SIGTERM) }
            var status = (status: Int32(-1), output: "")
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                status = try await ChildProcess.run(
                    try Tools.chemgate(),
                    ["status", "--url", "http://127.0.0.1:\(statusPort)"]
                )
                if status.output.contains("  park    ok") { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            // OK (0), or WARNING (1) on a machine whose clock is not synchronised: monitoring degraded.
            let clockUnsynchronised = status.output.contains("the system clock is not synchronised")
            #expect(status.status == (clockUnsynchronised ? 1 : 0), "\(status.output)")
            #expect(status.output.contains("  park    ok"), "\(status.output)")
            #expect(status.output.contains("log: "))
            let counts = try await ChildProcess.run(
                "python3",
                ["-c", "import urllib.request; print(urllib.request.urlopen('\(receiver)/counts').read().decode())"]
            )
            let json = try JSONSerialization.jsonObject(with: Data(counts.output.utf8)) as? [String: Any]
            #expect((json?["records"] as? Int ?? 0) > 0, "\(counts.output)")
            #expect((json?["heartbeats"] as? Int ?? 0) > 0)
            #expect((json?["gaps"] as? [Any])?.isEmpty == true)
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")
        }
    }
}
