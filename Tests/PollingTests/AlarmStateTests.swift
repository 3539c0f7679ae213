import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// Alarms through suppression, device faults during calibration, point-fault episodes and the restore
/// of a previous run's alarm state: a real `PollingService` against the simulator.
@Suite("Alarm state: suppression end, faults in calibration, point faults, restore")
struct AlarmStateTests {
    static func detectorSite(_ endpoint: Any) throws -> PollingFixture {
        try PollingFixture(
            """
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            devices: [ { id: gd, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
            """
        )
    }

    @Test func anAlarmThatEndedDuringCalibrationIsClearedWhenCalibrationEnds() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let fixture = try Self.detectorSite(endpoint)
            simulator.set(.holding, unit: 1, address: 0, to: 300)  // 30 %LEL: level 1
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            try await fixture.polling {
                try await fixture.sink.wait(for: "level1 raised") {
                    await $0.events.contains { $0.kind == .alarmRaised && $0.level == .level1 }
                }
                simulator.set(.holding, unit: 1, address: 1, to: 0b1000)  // calibration
                try await fixture.sink.wait(for: "suppressed") {
                    await $0.events.contains { $0.kind == .alarmSuppressed }
                }
                simulator.set(.holding, unit: 1, address: 0, to: 50)  // 5 %LEL, still in calibration
                try await Task.sleep(for: .milliseconds(400))
                #expect(await !fixture.sink.events.contains { $0.kind == .alarmCleared }, "nothing while suppressed")
                simulator.set(.holding, unit: 1, address: 1, to: 0)  // calibration over, no gas
                try await fixture.sink.wait(for: "level1 cleared") {
                    await $0.events.contains { $0.kind == .alarmCleared && $0.level == .level1 }
                }
                try await Task.sleep(for: .milliseconds(300))
                let kinds = await fixture.sink.events.filter { $0.level == .level1 }.map(\.kind)
                #expect(kinds == [.alarmRaised, .alarmSuppressed, .alarmCleared])
                #expect(await fixture.service.processor.activeAlarms().isEmpty)
            }
        }
    }

    @Test func aDeviceFaultIsNotSuppressedByCalibrationAndSaysSo() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let fixture = try Self.detectorSite(endpoint)
            simulator.set(.holding, unit: 1, address: 0, to: 0)
            simulator.set(.holding, unit: 1, address: 1, to: 0b1100)  // fault during calibration
            try await fixture.polling {
                try await fixture.sink.wait(for: "device_fault raised") {
                    await $0.events.contains { $0.kind == .alarmRaised && $0.level == .deviceFault }
                }
                let fault = await fixture.sink.events.first { $0.level == .deviceFault }
                #expect(fault?.reason.contains("calibration") == true, "\(String(describing: fault?.reason))")
                #expect(
                    await fixture.service.processor.activeAlarms().contains { $0.level == "device_fault" },
                    "the fault is an active alarm in the status"
                )
            }
        }
    }

    @Test func aSentinelFaultRaisesOnePointFaultPerEpisode() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let fixture = try Self.detectorSite(endpoint)
            simulator.set(.holding, unit: 1, address: 0, to: 0x8000)  // the map's fault sentinel
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            try await fixture.polling {
                try await fixture.sink.wait(for: "point_fault") {
                    await $0.events.contains { $0.kind == .pointFault }
                }
                try await Task.sleep(for: .milliseconds(500))  // about five more polls in fault
                #expect(await fixture.sink.events.filter { $0.kind == .pointFault }.count == 1)
                simulator.set(.holding, unit: 1, address: 0, to: 100)
                try await fixture.sink.wait(for: "point_fault_cleared") {
                    await $0.events.contains { $0.kind == .pointFaultCleared }
                }
                simulator.set(.holding, unit: 1, address: 0, to: 0x8000)  // a second episode
                try await fixture.sink.wait(for: "a second point_fault") {
                    await $0.events.filter { $0.kind == .pointFault }.count == 2
                }
                let faults = await fixture.sink.events.filter { $0.kind == .pointFault }
                #expect(faults.allSatisfy { $0.device == "gd" && $0.point == "concentration" })
                #expect(faults.first?.reason.contains("0x8000") == true, "\(faults)")
            }
        }
    }

    @Test func aRestoredActiveAlarmIsNotRaisedAgainAndClearsAsUsual() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let fixture = try Self.detectorSite(endpoint)
            let since = Timestamp(milliseconds: Timestamp.now().milliseconds - 60_000)
            let restored = await fixture.service.processor.restore(
                [
                    AlarmMemory(
                        device: "gd",
                        point: "concentration",
                        levels: [.init(level: .level1, active: true, since: since, value: 31, limit: 25)]
                    )
                ],
                maintenance: []
            )
            #expect(restored.count == 1)
            simulator.set(.holding, unit: 1, address: 0, to: 300)  // still in alarm
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            try await fixture.polling {
                try await fixture.sink.wait(for: "readings") {
                    await $0.readings(device: "gd", point: "concentration").count >= 1
                }
                try await Task.sleep(for: .milliseconds(400))
                #expect(await !fixture.sink.events.contains { $0.kind == .alarmRaised }, "not raised a second time")
                let active = await fixture.service.processor.activeAlarms()
                #expect(active.map(\.level) == ["level1"])
                #expect(active.first?.since == since.description)
                simulator.set(.holding, unit: 1, address: 0, to: 100)
                try await fixture.sink.wait(for: "cleared") {
                    await $0.events.contains { $0.kind == .alarmCleared && $0.level == .level1 }
                }
            }
        }
    }
}
