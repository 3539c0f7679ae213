import DeviceMap
import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// `chemgate run`'s poller against real simulators over TCP and RTU.
@Suite("Polling engine")
struct PollingServiceTests {
    @Test func pollsAndDecodesEveryDeviceOverTCP() async throws {
        try await withTCPSimulator(units: [1, 2]) { (endpoint, _, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 200ms }
                default_scan: fast
                devices:
                  - { id: u1, link: plc, unit: 1, map: chemgate/simulator, points: { gas: { indicator: GAS-1 } } }
                  - { id: u2, link: plc, unit: 2, map: chemgate/simulator }
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "both units' unit_id") { sink in
                    let first = await sink.readings(device: "u1", point: "unit_id")
                    let second = await sink.readings(device: "u2", point: "unit_id")
                    return !first.isEmpty && !second.isEmpty
                }
            }
            let readings = await fixture.sink.readings
            #expect(readings.first { $0.device == "u2" && $0.point == "unit_id" }?.value == .number(2))
            #expect(readings.first { $0.device == "u1" && $0.point == "interlock" }?.value == .bool(true))
            let gas = try #require(readings.first { $0.device == "u1" && $0.point == "gas" })
            #expect(gas.indicator == "GAS-1")
            #expect(gas.unit == "%LEL")
            #expect(gas.quality == .good)
            #expect(gas.gateway == "GW-TEST")
            let sequences = readings.map(\.sequence)
            #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count, "sequence numbers rise")
        }
    }

    @Test func aDeadUnitOnRTUDoesNotStarveItsNeighbours() async throws {
        try await withRTUSimulator(units: [1, 2, 3, 4, 5], faults: [UnitFault(unit: 3, fault: .noReply)]) {
            (endpoint, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: bus, endpoint: "\(endpoint)", timeout: 150ms } ]
                scan_classes: { fast: 250ms }
                default_scan: fast
                polling: { demote_after: 2, probe_interval: 5s }
                devices:
                  - { id: u1, link: bus, unit: 1, map: chemgate/simulator }
                  - { id: u2, link: bus, unit: 2, map: chemgate/simulator }
                  - { id: u3, link: bus, unit: 3, map: chemgate/simulator }
                  - { id: u4, link: bus, unit: 4, map: chemgate/simulator }
                  - { id: u5, link: bus, unit: 5, map: chemgate/simulator }
                """
            )
            let window = Duration.seconds(6)
            try await fixture.polling { try await Task.sleep(for: window) }
            let configured = Int(window / .milliseconds(250))
            let devices = fixture.service.statistics.devices
            for live in ["u1", "u2", "u4", "u5"] {
                let answered = devices[live]?.answered ?? 0
                #expect(
                    Double(answered) >= 0.9 * Double(configured),
                    "\(live) answered \(answered) of \(configured) cycles"
                )
            }
            #expect(devices["u3"]?.demoted == true)
            let events = await fixture.sink.events
            #expect(events.contains { $0.kind == .deviceDemoted && $0.device == "u3" })
            let lastU3 = await fixture.sink.readings(device: "u3", point: "level").last
            #expect(lastU3?.quality == .bad(.demoted))
        }
    }

    @Test func aDeviceExceptionShowsInQuality() async throws {
        let fault = UnitFault(unit: 1, fault: .exception(.serverDeviceFailure, addresses: nil))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, _, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 200ms }
                default_scan: fast
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "a reading") {
                    await !$0.readings(device: "u1", point: "level").isEmpty
                }
            }
            let level = await fixture.sink.readings(device: "u1", point: "level").first
            #expect(level?.quality == .bad(.deviceException(4)))
            #expect(level?.value == nil)
            #expect(
                fixture.service.statistics.devices["u1"]?.demoted == false,
                "a device that answers with an exception is alive"
            )
        }
    }

    @Test func theLinkRecoversWhenTheSimulatorRestarts() async throws {
        let simulator = Simulator(units: [1])
        var server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        let port = server.port
        let fixture = try PollingFixture(
            """
            links: [ { id: plc, endpoint: "tcp://127.0.0.1:\(port)", timeout: 200ms } ]
            scan_classes: { fast: 200ms }
            default_scan: fast
            devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
            """
        )
        try await fixture.polling {
            try await fixture.sink.wait(for: "a good reading") {
                await $0.readings(device: "u1", point: "unit_id").first?.quality == .good
            }
            server.stop()
            try await fixture.sink.wait(for: "link down") { await $0.events.contains { $0.kind == .linkDown } }
            // The link_down event and the failed poll's readings may reach the sink in two deliveries.
            try await fixture.sink.wait(for: "a reading after the link went down") {
                await $0.readings(device: "u1", point: "unit_id").last?.quality != .good
            }
            let down = await fixture.sink.readings(device: "u1", point: "unit_id").last
            #expect(down?.quality == .bad(.communicationFailure))
            server = try ModbusTCPServer(host: "127.0.0.1", port: port, handler: simulator, logger: quietLogger)
            try await fixture.sink.wait(for: "link up") { await $0.events.contains { $0.kind == .linkUp } }
            try await fixture.sink.wait(for: "good again") {
                await $0.readings(device: "u1", point: "unit_id").last?.quality == .good
            }
        }
        server.stop()
        #expect(fixture.service.statistics.devices["u1"]?.demoted == false, "a dead link does not demote its devices")
    }

    @Test func alarmsRaiseAndClearWithHysteresis() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: gd, link: plc, unit: 1, map: generic/combustible-gas-detector, points: { concentration: { indicator: GD-1 } } } ]
                """
            )
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            simulator.set(.holding, unit: 1, address: 0, to: 100)  // 10.0 %LEL
            try await fixture.polling {
                try await fixture.sink.wait(for: "first reading") {
                    await !$0.readings(device: "gd", point: "concentration").isEmpty
                }
                simulator.set(.holding, unit: 1, address: 0, to: 270)  // 27.0 ≥ level1 25
                try await fixture.sink.wait(for: "level1 raised") {
                    await $0.events.contains { $0.kind == .alarmRaised }
                }
                simulator.set(.holding, unit: 1, address: 0, to: 240)  // inside the 2 %LEL deadband: stays
                try await fixture.sink.wait(for: "24.0 read") {
                    await $0.readings(device: "gd", point: "concentration").contains { $0.value == .number(24) }
                }
                simulator.set(.holding, unit: 1, address: 0, to: 220)  // 22.0 < 25 − 2: clears
                try await fixture.sink.wait(for: "level1 cleared") {
                    await $0.events.contains { $0.kind == .alarmCleared }
                }
            }
            let events = await fixture.sink.events.filter { $0.point == "concentration" }
            #expect(events.map(\.kind) == [.alarmRaised, .alarmCleared])
            let raised = try #require(events.first)
            #expect(raised.level == .level1)
            #expect(raised.limit == 25)
            #expect(raised.value == .number(27))
            #expect(raised.indicator == "GD-1")
            #expect(raised.reason == "value 27 %LEL ≥ level1 25")
            #expect(events.last?.value == .number(22))
        }
    }

    @Test func theOnDelayHoldsBackABriefExcursion() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices:
                  - id: gd
                    link: plc
                    unit: 1
                    map: generic/combustible-gas-detector
                    points: { concentration: { alarms: { on_delay: 1s } } }
                """
            )
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            simulator.set(.holding, unit: 1, address: 0, to: 300)
            let start = ContinuousClock.now
            try await fixture.polling {
                try await fixture.sink.wait(for: "level1 raised") {
                    await $0.events.contains { $0.kind == .alarmRaised }
                }
            }
            #expect(ContinuousClock.now - start >= .seconds(1), "the alarm waited for its on-delay")
        }
    }

    @Test func calibrationSuppressesAlarms() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: gd, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
                """
            )
            simulator.set(.holding, unit: 1, address: 0, to: 300)  // 30 %LEL …
            simulator.set(.holding, unit: 1, address: 1, to: 0b1000)  // … during calibration (inhibit bit)
            try await fixture.polling {
                try await fixture.sink.wait(for: "an inhibited reading") {
                    await $0.readings(device: "gd", point: "concentration").last?.quality == .uncertain(.inhibited)
                }
                try await Task.sleep(for: .milliseconds(400))
                #expect(await fixture.sink.events.filter { $0.kind == .alarmRaised }.isEmpty, "no alarm in calibration")
                simulator.set(.holding, unit: 1, address: 1, to: 0)  // calibration over, gas still there
                try await fixture.sink.wait(for: "level1 raised") {
                    await $0.events.contains { $0.kind == .alarmRaised }
                }
                simulator.set(.holding, unit: 1, address: 1, to: 0b1000)  // calibration again
                try await fixture.sink.wait(for: "suppressed") {
                    await $0.events.contains { $0.kind == .alarmSuppressed }
                }
            }
            let concentration = await fixture.sink.readings(device: "gd", point: "concentration")
            #expect(concentration.first?.value == .number(30), "the value is kept, marked inhibited")
        }
    }

    @Test func maintenanceMarksReadingsAndSuppressesAlarms() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: gd, link: plc, unit: 1, map: generic/combustible-gas-detector, maintenance: true } ]
                """
            )
            simulator.set(.holding, unit: 1, address: 0, to: 600)  // 60 %LEL
            simulator.set(.holding, unit: 1, address: 1, to: 0b0011)  // the detector's own alarm bits too
            try await fixture.polling {
                try await fixture.sink.wait(for: "a reading") {
                    await !$0.readings(device: "gd", point: "concentration").isEmpty
                }
                try await Task.sleep(for: .milliseconds(300))
            }
            #expect(
                await fixture.sink.readings(device: "gd", point: "concentration").first?.quality
                    == .uncertain(.maintenance)
            )
            #expect(await fixture.sink.events.isEmpty)
        }
    }

    @Test func staleValuesAndOverrunsWhenTheBusIsTooSlow() async throws {
        let fault = UnitFault(unit: 1, fault: .delay(.milliseconds(700)))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, _, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)", timeout: 2s } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                polling: { stale_after_periods: 2 }
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "a stale reading", timeout: .seconds(20)) {
                    await $0.readings(device: "u1", point: "unit_id").contains { $0.quality == .bad(.stale) }
                }
            }
            let scanClass = try #require(fixture.service.statistics.scanClasses["plc/fast"])
            #expect(scanClass.overruns > 0, "cycles of ≥ 1.4 s cannot keep a 100 ms period")
            #expect(scanClass.cycles >= 1)
            let unitID = await fixture.sink.readings(device: "u1", point: "unit_id")
            #expect(unitID.first?.quality == .good)
        }
    }

    @Test func aStuckValueBecomesFrozen() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let fixture = try PollingFixture(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator, points: { unit_id: { frozen_after: 500ms } } } ]
                """
            )
            try await fixture.polling {
                try await fixture.sink.wait(for: "frozen") {
                    await $0.readings(device: "u1", point: "unit_id").contains { $0.quality == .uncertain(.frozen) }
                }
            }
            let levels = await fixture.sink.readings(device: "u1", point: "level")
            #expect(levels.allSatisfy { $0.quality != .uncertain(.frozen) }, "the ramp moves, so it never freezes")
        }
    }
}
