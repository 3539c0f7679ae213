import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate run` into the durable log, killed with SIGKILL, then read back with `chemgate history`.
@Suite("chemgate run --output log and chemgate history")
struct HistoryCommandTests {
    @Test func readingsSurviveAKillAndShowInHistory() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 270)  // 27.0 %LEL: level1
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            let directory = try Tools.temporaryDirectory()
            let config = directory.appendingPathComponent("site.yaml")
            let database = directory.appendingPathComponent("log.sqlite").path
            try """
            gateway: { id: GW-LOG, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            storage: { path: "\(database)", retention: 30d }
            status: { listen: "127.0.0.1:\(try Tools.freePort())" }
            devices: [ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
            """.write(to: config, atomically: true, encoding: .utf8)
            let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", config.path])
            try await Task.sleep(for: .milliseconds(800))
            simulator.set(.holding, unit: 1, address: 0, to: 120)  // back to 12.0: cleared
            try await Task.sleep(for: .milliseconds(600))
            run.signal(SIGKILL)
            _ = try await run.waitForExit()

            let history = try await ChildProcess.run(
                try Tools.chemgate(),
                ["history", "--config", config.path, "--device", "gd-1", "--point", "concentration", "--csv"]
            )
            #expect(history.status == 0, "\(history.output)")
            let lines = history.output.split(separator: "\n").map(String.init)
            #expect(lines.first == "time,kind,value,unit,quality,detail")
            #expect(lines.contains { $0.contains(",reading,27,%LEL,good,") }, "\(lines)")
            #expect(lines.contains { $0.contains(",reading,12,%LEL,good,") })
            #expect(lines.contains { $0.contains(",alarm_raised,27,%LEL,level1,") })
            #expect(lines.contains { $0.contains(",alarm_cleared,12,%LEL,level1,") })
        }
    }
}
