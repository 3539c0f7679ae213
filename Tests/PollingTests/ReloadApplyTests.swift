import DeviceMap
import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// ``PollingService/apply(site:plan:)`` and ``PointProcessor/apply(site:replacing:)`` against a real
/// simulator: unchanged points keep their alarm state, a changed limit starts its point afresh (its alarm
/// cleared with the reason), and a run-time maintenance switch survives unless the file's flag changed.
@Suite("Reload: what a new site keeps and what it resets")
struct ReloadApplyTests {
    static func site(endpoint: String, gd1Level1: Double, gd3Maintenance: Bool = false) throws -> SiteConfig {
        let detector = "map: generic/combustible-gas-detector"
        return try PollingFixture.site(
            """
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            devices:
              - { id: gd1, link: plc, unit: 1, \(detector), points: { concentration: { alarms: { level1: \(gd1Level1) } } } }
              - { id: gd2, link: plc, unit: 2, \(detector) }
              - { id: gd3, link: plc, unit: 3, \(detector), maintenance: \(gd3Maintenance) }
            """
        )
    }

    @Test func unchangedPointsKeepTheirAlarmsAndAChangedLimitStartsAfresh() async throws {
        try await withTCPSimulator(units: [1, 2, 3]) { (endpoint, simulator, _) async throws in
            for unit: UInt8 in [1, 2, 3] {
                simulator.set(.holding, unit: unit, address: 1, to: 0)
                simulator.set(.holding, unit: unit, address: 0, to: 270)  // 27.0 %LEL ≥ level1 25
            }
            let first = try Self.site(endpoint: "\(endpoint)", gd1Level1: 25)
            let sink = CollectingSink()
            let service = PollingService(site: first, plan: try SitePlan.make(first), sink: sink, logger: quietLogger)
            let task = Task { try await service.run() }
            defer { task.cancel() }
            try await sink.wait(for: "gd1 and gd2 raised") { sink in
                let raised = await sink.events.filter { $0.kind == .alarmRaised && $0.point == "concentration" }
                return Set(raised.compactMap(\.device)).isSuperset(of: ["gd1", "gd2"])
            }
            // A run-time maintenance switch on gd2, whose configuration stays unchanged.
            await service.processor.setMaintenance(true, device: "gd2")

            // gd1's limit rises above its value: its alarm is cleared, with the reason, and not raised again.
            let second = try Self.site(endpoint: "\(endpoint)", gd1Level1: 30)
            let changes = await service.processor.apply(site: second, replacing: first)
            service.apply(site: second, plan: try SitePlan.make(second))
            #expect(changes.reset == ["gd1/concentration"], "\(changes)")
            #expect(changes.added.isEmpty && changes.removed.isEmpty)
            try await sink.wait(for: "gd1 cleared") { sink in
                await sink.events.contains { $0.kind == .alarmCleared && $0.device == "gd1" }
            }
            try await Task.sleep(for: .milliseconds(500))
            let events = await sink.events.filter { $0.point == "concentration" }
            let cleared = events.filter { $0.kind == .alarmCleared }
            #expect(cleared.map(\.device) == ["gd1"], "only the changed point's alarm is cleared: \(events)")
            #expect(cleared.first?.reason.contains("changed by a reload") == true)
            let persisted = await sink.memories.filter { $0.device == "gd1" && $0.point == "concentration" }
            #expect(
                persisted.last.map { memory in !memory.levels.contains(where: \.active) } == true,
                "the alarm state kept for a restart says cleared too: \(persisted)"
            )
            #expect(events.filter { $0.kind == .alarmRaised && $0.device == "gd1" }.count == 1, "27 < 30: no raise")
            #expect(await service.processor.activeAlarms().map(\.device).contains("gd3") == true)
            #expect(await service.processor.isInMaintenance("gd2"), "gd2's run-time switch survives the reload")

            // gd3's `maintenance:` in the file changes: the file's value applies.
            let third = try Self.site(endpoint: "\(endpoint)", gd1Level1: 30, gd3Maintenance: true)
            await service.processor.apply(site: third, replacing: second)
            #expect(await service.processor.isInMaintenance("gd3"))
            #expect(await service.processor.isInMaintenance("gd2"))
            // The file's switch goes upstream and into the log as gd3's last switch, so a restart after a
            // later `maintenance: false` does not bring back an overridden switch.
            try await sink.wait(for: "gd3 switched on by the file") { sink in
                await sink.events.contains {
                    $0.kind == .maintenanceOn && $0.device == "gd3" && $0.reason.contains("by the site file")
                }
            }
            let fourth = try Self.site(endpoint: "\(endpoint)", gd1Level1: 30, gd3Maintenance: false)
            await service.processor.apply(site: fourth, replacing: third)
            #expect(await !service.processor.isInMaintenance("gd3"))
            try await sink.wait(for: "gd3 switched off by the file") { sink in
                await sink.events.contains { $0.kind == .maintenanceOff && $0.device == "gd3" }
            }
            let switches = await sink.events.filter { $0.kind == .maintenanceOn || $0.kind == .maintenanceOff }
            #expect(switches.compactMap(\.device) == ["gd3", "gd3"], "only the file's changes: \(switches)")
            task.cancel()
            _ = await task.result
        }
    }
}
