import Decoding
import DeviceMap
import Foundation
import GatewayCore
import Modbus
import Planner
import Polling
import Simulator
import TestSupport
import Testing

/// Reading devices through their maps, against the simulator: decode, qualify, isolate.
@Suite("Reading a device through its map")
struct DeviceReadoutTests {
    static func map(_ name: String) throws -> DeviceMap {
        try DeviceMapLoader.load(path: Tools.repositoryRoot.appendingPathComponent("Devices/\(name).yaml").path)
    }

    static func value(_ readings: [PointReading], _ id: String) -> PointReading? {
        readings.first { $0.point.id == id }
    }

    @Test func decodesScalesAndQualifiesByStatusBits() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            var readout = try DeviceReadout(map: try Self.map("generic/combustible-gas-detector"), unit: 1)
            let link = testLink(endpoint)
            simulator.set(.holding, unit: 1, address: 0, to: 253)  // 25.3 %LEL
            simulator.set(.holding, unit: 1, address: 1, to: 0b0001)  // first alarm
            var readings = await readout.readOnce(over: link).readings
            #expect(Self.value(readings, "concentration")?.value.value == .number(25.3))
            #expect(Self.value(readings, "concentration")?.quality == .good)
            #expect(Self.value(readings, "first_alarm")?.value.value == .bool(true))

            simulator.set(.holding, unit: 1, address: 1, to: 0b1000)  // calibration / inhibit
            readings = await readout.readOnce(over: link).readings
            #expect(Self.value(readings, "concentration")?.quality == .uncertain(.inhibited))
            #expect(Self.value(readings, "concentration")?.value.value == .number(25.3), "the value is kept, marked")
            #expect(Self.value(readings, "first_alarm_setpoint")?.quality == .good, "set points are not measurements")

            simulator.set(.holding, unit: 1, address: 1, to: 0b1100)  // fault and inhibit: the worst wins
            readings = await readout.readOnce(over: link).readings
            #expect(Self.value(readings, "concentration")?.quality == .bad(.sensorFault))

            simulator.set(.holding, unit: 1, address: 1, to: 0)
            simulator.set(.holding, unit: 1, address: 0, to: 0x8000)  // the detector's fault sentinel
            readings = await readout.readOnce(over: link).readings
            #expect(Self.value(readings, "concentration")?.quality == .bad(.sensorFault))
        }
    }

    @Test func aRefusedAddressIsIsolatedAndTheRestKeepPolling() async throws {
        let fault = UnitFault(unit: 1, fault: .exception(.illegalDataAddress, addresses: 5...5))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, simulator, _) async throws in
            var readout = try DeviceReadout(map: try Self.map("generic/combustible-gas-detector"), unit: 1)
            #expect(readout.plan.reads.count == 2)
            let link = testLink(endpoint)
            simulator.set(.holding, unit: 1, address: 4, to: 250)
            let readings = await readout.readOnce(over: link).readings
            #expect(Self.value(readings, "second_alarm_setpoint")?.quality == .bad(.deviceException(2)))
            #expect(Self.value(readings, "first_alarm_setpoint")?.value.value == .number(25))
            #expect(Self.value(readings, "concentration")?.quality.isGood == true)
            #expect(readout.isolated.keys.sorted() == ["second_alarm_setpoint"])
            #expect(readout.plan.read(serving: "second_alarm_setpoint") == nil)

            let before = simulator.requestCount(unit: 1)
            let next = await readout.readOnce(over: link).readings
            #expect(simulator.requestCount(unit: 1) - before == readout.plan.reads.count)
            #expect(
                Self.value(next, "second_alarm_setpoint") == nil,
                "an isolated point is reported once, then left out"
            )
            #expect(Self.value(next, "first_alarm_setpoint")?.quality.isGood == true)
        }
    }

    @Test func midasFloatInCDABOverRTU() async throws {
        try await withRTUSimulator(units: [3]) { (endpoint, simulator) async throws in
            var readout = try DeviceReadout(map: try Self.map("honeywell/midas"), unit: 3)
            // 123456.0 = 0x47F12000; Midas sends the low word first (CDAB).
            simulator.set(.holding, unit: 3, address: 2, to: 0x2000)
            simulator.set(.holding, unit: 3, address: 3, to: 0x47F1)
            simulator.set(.holding, unit: 3, address: 0, to: 0x0041)  // monitoring (1), low alarm (bit 6)
            var readings = await readout.readOnce(over: testLink(endpoint)).readings
            #expect(Self.value(readings, "concentration")?.value.value == .number(123456))
            #expect(Self.value(readings, "concentration")?.quality == .good)
            #expect(Self.value(readings, "low_alarm")?.value.value == .bool(true))
            #expect(Self.value(readings, "high_alarm")?.value.value == .bool(false))

            simulator.set(.holding, unit: 3, address: 0, to: 0x0000)  // warm-up
            readings = await readout.readOnce(over: testLink(endpoint)).readings
            #expect(Self.value(readings, "concentration")?.quality == .uncertain(.warmup))

            // Monitoring with an instrument fault (bits 4-5 = 2).
            simulator.set(.holding, unit: 3, address: 0, to: 0x0021)
            readings = await readout.readOnce(over: testLink(endpoint)).readings
            #expect(Self.value(readings, "fault_status")?.value.value == .number(2))
            #expect(Self.value(readings, "concentration")?.quality == .bad(.sensorFault))
        }
    }

    @Test func aDeadDeviceGivesEveryPointBadTimeout() async throws {
        try await withTCPSimulator(units: [1], faults: [UnitFault(unit: 1, fault: .noReply)]) {
            (endpoint, _, _) async throws in
            var readout = try DeviceReadout(map: try Self.map("generic/combustible-gas-detector"), unit: 1)
            let readings = await readout.readOnce(over: testLink(endpoint, timeout: .milliseconds(100))).readings
            #expect(readings.count == 7)
            #expect(readings.allSatisfy { $0.quality == .bad(.timeout) && $0.value.value == nil })
        }
    }
}
