import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// What `chemgate run` logs at the default level, as JSON lines with journald priorities: start
/// (version, config hash), alarms raised and cleared, uplink down and recovered, refused status
/// requests (once per client and minute), stop.
@Suite("chemgate run logs")
struct LogOutputTests {
    @Test func theDefaultLevelTellsWhatHappenedInValidJSONWithPriorities() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 300)  // 30 %LEL: level 1
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            let directory = try Tools.temporaryDirectory()
            let statusPort = try Tools.freePort()
            let platformPort = try Tools.freePort()  // the platform starts later: the uplink is down first
            let config = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-LOG, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)", timeout: 200ms } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            storage: { path: "\(directory.appendingPathComponent("log.sqlite").path)" }
            status: { listen: "127.0.0.1:\(statusPort)", token_env: CHEMGATE_TEST_LOG_STATUS_TOKEN }
            uplinks: [ { id: park, url: "http://127.0.0.1:\(platformPort)", batch_delay: 50ms, heartbeat: 1s, timeout: 1s } ]
            devices: [ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
            """.write(to: config, atomically: true, encoding: .utf8)
            // JOURNAL_STREAM names standard error's device and inode, as systemd sets it.
            let run = try ChildProcess(
                "sh",
                [
                    "-c", "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec \"$0\" \"$@\"",
                    try Tools.chemgate(), "run", "--config", config.path, "--log-format", "json",
                ],
                environment: ["CHEMGATE_TEST_LOG_STATUS_TOKEN": "status-token-7f3a"]
            )
            defer { run.signal(SIGKILL) }
            try await run.waitForLine(containing: "\"alarm raised\"")
            try await run.waitForLine(containing: "\"uplink down")
            for _ in 0..<3 {
                #expect(try await StatusFetch.get(port: statusPort, "/status", token: "wrong").status == 401)
            }
            simulator.set(.holding, unit: 1, address: 0, to: 0)
            try await run.waitForLine(containing: "\"alarm cleared\"")
            let receive = try ChildProcess(
                try Tools.chemgate(),
                [
                    "receive", "--listen", "127.0.0.1:\(platformPort)", "--database",
                    directory.appendingPathComponent("receiver.sqlite").path,
                ]
            )
            defer { receive.signal(SIGKILL) }
            try await run.waitForLine(containing: "\"uplink recovered", timeout: .seconds(15))
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")

            var all: [(priority: String, fields: [String: String])] = []
            for line in run.text.split(separator: "\n") {
                let priority = line.prefix { $0 != "{" }
                #expect(["<2>", "<3>", "<4>", "<5>", "<6>", "<7>"].contains(priority), "no priority: \(line)")
                let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst(priority.count).utf8))
                let fields = try #require(object as? [String: String], "not a flat JSON object: \(line)")
                #expect(
                    fields["ts"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil,
                    "\(fields["ts"] ?? "no ts")"
                )
                all.append((String(priority), fields))
            }
            func records(_ message: String) -> [(priority: String, fields: [String: String])] {
                all.filter { $0.fields["msg"]?.hasPrefix(message) == true }
            }
            let start = try #require(records("chemgate starting").first)
            #expect(start.priority == "<5>")
            #expect(start.fields["version"]?.isEmpty == false)
            #expect(start.fields["config_hash"]?.hasPrefix("sha256:") == true)
            let raised = try #require(records("alarm raised").first)
            #expect(raised.priority == "<4>")
            #expect(raised.fields["device"] == "gd-1")
            #expect(raised.fields["point"] == "concentration")
            #expect(raised.fields["alarm_level"] == "level1")
            #expect(records("alarm cleared").first?.fields["alarm_level"] == "level1")
            #expect(records("uplink down").count == 1)
            #expect(records("uplink down").first?.fields["uplink"] == "park")
            #expect(records("uplink recovered").first?.fields["failed_attempts"].flatMap(Int.init) ?? 0 >= 1)
            // Three refused requests from one client within a minute: one record, never the token.
            let refused = records("status request refused")
            #expect(refused.count == 1, "\(refused)")
            #expect(refused.first?.fields["client"] == "127.0.0.1")
            #expect(refused.first?.fields["reason"] == "wrong token")
            // The uplink's failed attempts are held back: at most one per minute.
            #expect(records("upload failed").count <= 1)
            #expect(records("chemgate stopped").count == 1)
            #expect(!run.text.contains("status-token-7f3a"))
        }
    }
}
