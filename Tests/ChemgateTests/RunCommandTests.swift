import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate run` as a process: JSON lines out, a real SIGTERM to stop.
@Suite("chemgate run")
struct RunCommandTests {
    @Test func pollsWritesJSONLinesAndStopsOnSIGTERM() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 300)  // 30.0 %LEL: above level1
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            let directory = try Tools.temporaryDirectory()
            let config = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-RUN, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 200ms }
            default_scan: fast
            devices: [ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector, points: { concentration: { indicator: GD1 } } } ]
            """.write(to: config, atomically: true, encoding: .utf8)
            let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", config.path, "--output", "jsonl"])
            try await run.waitForLine(containing: "\"event\":\"alarm_raised\"")
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")
            let objects = run.text.split(separator: "\n").compactMap { line -> [String: Any]? in
                guard line.hasPrefix("{") else { return nil }
                return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            }
            let concentration = try #require(
                objects.first { $0["point"] as? String == "concentration" && $0["type"] as? String == "reading" }
            )
            #expect(concentration["type"] as? String == "reading")
            #expect(concentration["value"] as? Double == 30)
            #expect(concentration["unit"] as? String == "%LEL")
            #expect(concentration["quality"] as? String == "good")
            #expect(concentration["indicator"] as? String == "GD1")
            #expect(concentration["gateway"] as? String == "GW-RUN")
            #expect((concentration["ts"] as? String)?.hasSuffix("Z") == true)
            let alarm = try #require(objects.first { $0["event"] as? String == "alarm_raised" })
            #expect(alarm["level"] as? String == "level1")
            #expect(alarm["limit"] as? Double == 25)
            let sequences = objects.compactMap { $0["seq"] as? Int }
            #expect(sequences == Array(1...sequences.count), "every sequence number, in order, none missing")
        }
    }

    @Test func refusesAnInvalidConfiguration() async throws {
        let file = Tools.repositoryRoot.appendingPathComponent(
            "Tests/DeviceMapTests/Fixtures/broken-sites/site-errors.yaml"
        )
        let result = try await ChildProcess.run(try Tools.chemgate(), ["run", "--config", file.path])
        #expect(result.status == 1)
        #expect(result.output.contains("errors in the configuration"))
    }

    @Test func aStatusPortInUseIsNamedWithItsSetting() async throws {
        // Something else already listens on the status port: a chemgate receive here.
        let directory = try Tools.temporaryDirectory()
        let receive = try ChildProcess(
            try Tools.chemgate(),
            ["receive", "--listen", "127.0.0.1:0", "--database", directory.appendingPathComponent("r.sqlite").path]
        )
        defer { receive.signal(SIGTERM) }
        let listening = try await receive.waitForLine(containing: "listening on http://")
        let port = try #require(listening.split(separator: ":").last.map(String.init))
        let config = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-RUN, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:1" } ]
        status: { listen: "127.0.0.1:\(port)" }
        storage: { path: "\(directory.appendingPathComponent("log.sqlite").path)" }
        devices: [ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
        """.write(to: config, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["run", "--config", config.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(
            result.output.contains(
                "error: the status endpoint cannot listen on 127.0.0.1:\(port) (status.listen): the address is in use"
            ),
            "\(result.output)"
        )
        #expect(!result.output.contains("CancellationError"), "shutdown is quiet: \(result.output)")
    }
}
