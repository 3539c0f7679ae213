import Foundation
import TestSupport
import Testing

/// `chemgate run` polling one device through a serial device server stand-in (`chemgate simulate
/// --rtu-tcp`) and one through a DTU stand-in that connects in (`chemgate simulate --dtu`), all real
/// processes; `chemgate status` shows the DTU's connection; `chemgate check` estimates the bus time.
@Suite("Serial device servers and DTUs, end to end")
struct SerialServerAndDTUTests {
    struct Site {
        let directory: URL
        let serverPort: Int
        let dtuPort: Int
        let statusPort: Int
        var config: String { directory.appendingPathComponent("site.yaml").path }

        init() throws {
            directory = try Tools.temporaryDirectory()
            serverPort = try Tools.freePort()
            dtuPort = try Tools.freePort()
            statusPort = try Tools.freePort()
            try """
            gateway: { id: GW-NET, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            dtu_listen: 127.0.0.1:\(dtuPort)
            dtu: { heartbeat: HB-ST7 }
            links:
              - { id: nport, endpoint: "rtu+tcp://127.0.0.1:\(serverPort)", timeout: 300ms }
              - { id: station-7, endpoint: "dtu://ST7", timeout: 300ms, round_trip: 50ms }
            scan_classes: { fast: 200ms }
            default_scan: fast
            status: { listen: "127.0.0.1:\(statusPort)" }
            devices:
              - { id: behind-server, link: nport, unit: 2, map: chemgate/simulator }
              - { id: behind-dtu, link: station-7, unit: 3, map: chemgate/simulator }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        }
    }

    static func goodUnitReadings(_ text: String, device: String) -> [Double] {
        text.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("{"),
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["device"] as? String == device, object["point"] as? String == "unit_id",
                object["quality"] as? String == "good"
            else { return nil }
            return object["value"] as? Double
        }
    }

    @Test func pollsThroughAServerAndADTUThatReconnects() async throws {
        let site = try Site()
        let chemgate = try Tools.chemgate()
        let server = try ChildProcess(
            chemgate,
            ["simulate", "--rtu-tcp", "127.0.0.1:\(site.serverPort)", "--units", "2"]
        )
        _ = try await server.waitForLine(containing: "listening on rtu+tcp://")
        let run = try ChildProcess(chemgate, ["run", "--config", site.config, "--output", "jsonl"])
        defer { run.signal(SIGTERM) }
        let dtuArguments = [
            "simulate", "--dtu", "127.0.0.1:\(site.dtuPort)", "--registration", "ST7", "--heartbeat", "HB-ST7",
            "--every", "100ms", "--heartbeat-in-replies", "--units", "3",
        ]
        var dtu = try ChildProcess(chemgate, dtuArguments)
        _ = try await run.waitForLine(containing: "\"device\":\"behind-dtu\"")
        try await Self.waitFor("good readings through both links", run) {
            Self.goodUnitReadings($0, device: "behind-server").contains(2)
                && Self.goodUnitReadings($0, device: "behind-dtu").contains(3)
        }

        let status = try await ChildProcess.run(chemgate, ["status", "--url", "http://127.0.0.1:\(site.statusPort)"])
        #expect(status.output.contains("DTU links:"), "\(status.output)")
        let row = status.output.split(separator: "\n").first { $0.contains("station-7") && $0.contains("ST7") }
        #expect(row?.contains("yes") == true && row?.contains("127.0.0.1:") == true, "\(status.output)")

        // GET /status has the same under links[].dtu.
        let json = try await ChildProcess.run(
            "python3",
            [
                "-c",
                "import json, sys, urllib.request; s = json.load(urllib.request.urlopen(sys.argv[1])); "
                    + "print(json.dumps([l for l in s['links'] if l['id'] == 'station-7'][0]['dtu']))",
                "http://127.0.0.1:\(site.statusPort)/status",
            ]
        )
        let dtuJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any],
            "\(json.output)"
        )
        #expect(dtuJSON["registration"] as? String == "ST7")
        #expect(dtuJSON["connected"] as? Bool == true)
        #expect((dtuJSON["remote_address"] as? String)?.hasPrefix("127.0.0.1:") == true, "\(dtuJSON)")
        #expect((dtuJSON["connected_since"] as? String)?.hasSuffix("Z") == true, "\(dtuJSON)")
        #expect((dtuJSON["last_heartbeat"] as? String)?.hasSuffix("Z") == true, "\(dtuJSON)")
        #expect((dtuJSON["heartbeats"] as? Int ?? 0) > 0, "\(dtuJSON)")

        // The DTU goes away: its link goes down, and says why.
        dtu.signal(SIGTERM)
        _ = try await dtu.waitForExit()
        _ = try await run.waitForLine(containing: "\"event\":\"link_down\"")
        try await Self.waitFor("the status names the DTU as not connected", run, timeout: .seconds(5)) { _ in
            let text =
                (try? await ChildProcess.run(chemgate, ["status", "--url", "http://127.0.0.1:\(site.statusPort)"]))?
                .output ?? ""
            return text.contains("DTU 'ST7' is not connected")
        }

        // It comes back over a new connection: readings resume.
        let before = Self.goodUnitReadings(run.text, device: "behind-dtu").count
        dtu = try ChildProcess(chemgate, dtuArguments)
        defer { dtu.signal(SIGTERM) }
        try await Self.waitFor("readings through the DTU again", run) {
            Self.goodUnitReadings($0, device: "behind-dtu").count > before
        }
        _ = try await run.waitForLine(containing: "\"event\":\"link_up\"")
        server.signal(SIGTERM)
    }

    @Test func checkWarnsWhenTheRoundTripBreaksTheScanClass() async throws {
        let directory = try Tools.temporaryDirectory()
        let config = directory.appendingPathComponent("site.yaml").path
        let devices = (1...4).map {
            "  - { id: gd-\($0), link: station-7, unit: \($0), map: generic/combustible-gas-detector, scan: fast }"
        }
        try """
        gateway: { id: GW-NET, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        dtu_listen: 0.0.0.0:9502
        scan_classes: { fast: 1s }
        links: [ { id: station-7, endpoint: "dtu://ST7", round_trip: 400ms } ]
        devices:
        \(devices.joined(separator: "\n"))
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["check", config])
        #expect(result.output.contains("+ 400 ms RTT"), "\(result.output)")
        #expect(
            result.output.contains("each paying the 400 ms network round trip) but the period is 1 s"),
            "\(result.output)"
        )
    }

    /// Waits until `condition` holds for the output so far (or for nothing), for at most `timeout`.
    static func waitFor(
        _ what: String,
        _ process: ChildProcess,
        timeout: Duration = .seconds(10),
        _ condition: (String) async -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !(await condition(process.text)) {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("not within \(timeout): \(what); output:\n\(process.text.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
