import DeviceMap
import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate run` against the simulator serving Devices/dongxin/sf6-o2-detector.yaml, whose oxygen
/// reading is the whole percent in one byte of a register and the tenths in the other: the computed
/// value alarms exactly at its limits, not on half a value.
@Suite("chemgate run: a value packed in two bytes alarms at its limits")
struct ComputedAlarmRunTests {
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line -> [String: Any]? in
            guard line.hasPrefix("{") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
    }

    @Test func oxygenAlarmsExactlyAtItsLimits() async throws {
        let map = try DeviceMapLoader.load(
            path: Tools.repositoryRoot.appendingPathComponent("Devices/dongxin/sf6-o2-detector.yaml").path
        )
        let simulator = Simulator(units: [], maps: [1: map])
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        // Register 4002 (address 1): high byte whole percent, low byte tenths. 0x17 0x04 = 23.4 %VOL.
        simulator.set(.holding, unit: 1, address: 1, to: 0x1704)
        simulator.set(.holding, unit: 1, address: 0, to: 0)  // no SF6
        let directory = try Tools.temporaryDirectory()
        let config = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-O2, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: bus, endpoint: "\(server.endpoint)" } ]
        scan_classes: { fast: 100ms }
        default_scan: fast
        devices: [ { id: ox-1, link: bus, unit: 1, map: dongxin/sf6-o2-detector } ]
        """.write(to: config, atomically: true, encoding: .utf8)
        let run = try ChildProcess(try Tools.chemgate(), ["run", "--config", config.path, "--output", "jsonl"])
        defer { run.signal(SIGTERM) }

        // 23.4: 0.1 below the high limit 23.5: read, no alarm.
        try await run.waitForLine(containing: "\"value\":23.4")
        try await Task.sleep(for: .milliseconds(300))  // three more polls at 23.4
        #expect(!run.text.contains("alarm_raised"), "\(run.text)")
        // 23.5 = 0x17 0x05: at the limit, the high alarm.
        simulator.set(.holding, unit: 1, address: 1, to: 0x1705)
        try await run.waitForLine(containing: "\"event\":\"alarm_raised\"")
        // 19.6 = 0x13 0x06: 0.1 above the low limit 19.5: the high alarm clears, no low alarm.
        simulator.set(.holding, unit: 1, address: 1, to: 0x1306)
        try await run.waitForLine(containing: "\"value\":19.6")
        try await Task.sleep(for: .milliseconds(300))
        #expect(Self.objects(run.text).filter { $0["event"] as? String == "alarm_raised" }.count == 1)
        // 19.5 = 0x13 0x05: at the low limit, the low alarm.
        simulator.set(.holding, unit: 1, address: 1, to: 0x1305)
        try await run.waitForLine(containing: "\"level\":\"L\"")
        run.signal(SIGTERM)
        #expect(try await run.waitForExit() == 0, "\(run.text)")

        let objects = Self.objects(run.text)
        let raised = objects.filter { $0["event"] as? String == "alarm_raised" }
        #expect(raised.map { $0["level"] as? String } == ["H", "L"])
        #expect(raised.map { $0["limit"] as? Double } == [23.5, 19.5])
        #expect(raised.map { $0["value"] as? Double } == [23.5, 19.5])
        #expect(raised.allSatisfy { $0["point"] as? String == "o2" })
        let o2 = objects.filter { $0["point"] as? String == "o2" && $0["type"] as? String == "reading" }
        #expect(o2.allSatisfy { $0["unit"] as? String == "%VOL" && $0["quality"] as? String == "good" })
        #expect(
            !objects.contains { $0["point"] as? String == "o2_raw" },
            "the raw register is hidden: an input, never reported"
        )
    }
}
