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

/// Computed points, assertions and catch-all states, frame by frame: registers written by hand into
/// the simulator, read through the map, values computed by hand in the comments.
@Suite("Computed points, assertions and catch-alls")
struct ComputedPointTests {
    static func map(_ name: String) throws -> DeviceMap {
        try DeviceMapLoader.load(path: Tools.repositoryRoot.appendingPathComponent("Devices/\(name).yaml").path)
    }

    static func parse(_ points: String) throws -> DeviceMap {
        try DeviceMapLoader.parse(
            """
            vendor: Test
            model: Computed
            source: { document: hand-written for the test }
            points:
            \(points)
            """,
            name: "test.yaml"
        )
    }

    static func reading(_ readings: [PointReading], _ id: String) -> PointReading? {
        readings.first { $0.point.id == id }
    }

    static func number(_ readings: [PointReading], _ id: String) -> Double? {
        reading(readings, id)?.value.value?.numeric
    }

    @Test func twoBytesOfOneRegisterMakeOneGasValue() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            var readout = try DeviceReadout(map: try Self.map("dongxin/sf6-o2-detector"), unit: 1)
            #expect(readout.plan.reads.count == 1, "the computed point adds no read")
            // The manual's frame: 01 03 04 0B E8 14 09 — SF6 0x0BE8 = 3048 ppm, O2 0x14 0x09 = 20 + 9/10.
            simulator.set(.holding, unit: 1, address: 0, to: 0x0BE8)
            simulator.set(.holding, unit: 1, address: 1, to: 0x1409)
            let readings = await readout.readOnce(over: testLink(endpoint)).readings
            #expect(Self.number(readings, "sf6") == 3048)
            #expect(Self.number(readings, "o2") == 20.9)
            #expect(Self.reading(readings, "o2")?.quality == .good)
            #expect(Self.reading(readings, "o2")?.point.unit == "%VOL")
            #expect(Self.number(readings, "o2_raw") == 0x1409, "the hidden raw field is read, for the formula")
            #expect(Self.reading(readings, "o2_raw")?.point.hidden == true)
            let o2 = try #require(Self.reading(readings, "o2"))
            #expect(o2.timestamp == Self.reading(readings, "o2_raw")?.timestamp, "the poll's time")
        }
    }

    @Test func aTotaliserIsItsDigitsTimesTenToTheExponent() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            var readout = try DeviceReadout(map: try Self.map("scadametrics/ethermeter-em-100"), unit: 1)
            let link = testLink(endpoint)
            // The manual's example: digits 12,345,678 = 0x00BC614E, EXP1 = +2 → 1,234,567,800.
            simulator.set(.holding, unit: 1, address: 0, to: 0x00BC)
            simulator.set(.holding, unit: 1, address: 1, to: 0x614E)
            simulator.set(.holding, unit: 1, address: 21, to: 2)
            // Flow 0x000005DC = 1500 thousandths per minute = 1.5 per minute = 90 per hour.
            simulator.set(.holding, unit: 1, address: 4, to: 0)
            simulator.set(.holding, unit: 1, address: 5, to: 1500)
            var readings = await readout.readOnce(over: link).readings
            #expect(Self.number(readings, "total") == 1_234_567_800)
            #expect(Self.reading(readings, "total")?.quality == .good)
            #expect(Self.number(readings, "flow_rate") == 90)

            // EXP1 = -2 (0xFFFE as int16): 12,345,678 × 10^-2 = 123,456.78.
            simulator.set(.holding, unit: 1, address: 21, to: 0xFFFE)
            readings = await readout.readOnce(over: link).readings
            #expect(Self.number(readings, "total") == 123_456.78)

            // EXP1 = 0x7FFF: not a power the map allows: the total is bad (config_mismatch), not 10^32767.
            simulator.set(.holding, unit: 1, address: 21, to: 0x7FFF)
            readings = await readout.readOnce(over: link).readings
            #expect(Self.reading(readings, "total")?.quality == .bad(.configMismatch))
            #expect(Self.reading(readings, "flow_rate")?.quality == .good, "only the points it qualifies")
            #expect(Self.reading(readings, "exponent")?.quality == .good, "the assertion itself reads what it reads")
        }
    }

    @Test func qualityIsTheWorstOfTheInputs() async throws {
        let map = try Self.parse(
            """
              - { id: a, table: holding, address: 10, type: uint16, category: other }
              - { id: b, table: holding, address: 11, type: uint16, category: other, sentinels: { 0xFFFF: fault } }
              - { id: c, table: holding, address: 20, type: uint16, category: other }
              - { id: sum, compute: "a + b / 2", unit: ppm, category: gas, measuring_range: [0, 100] }
              - { id: ratio, compute: "a / c", category: other }
              - { id: twice, compute: "sum * 2", category: other }
            """
        )
        let fault = UnitFault(unit: 1, fault: .exception(.illegalDataAddress, addresses: 20...20))
        try await withTCPSimulator(units: [1], faults: [fault]) { (endpoint, simulator, _) async throws in
            var readout = try DeviceReadout(map: map, unit: 1)
            let link = testLink(endpoint)
            simulator.set(.holding, unit: 1, address: 10, to: 30)
            simulator.set(.holding, unit: 1, address: 11, to: 40)
            var readings = await readout.readOnce(over: link).readings
            #expect(Self.number(readings, "sum") == 50)  // 30 + 40 / 2
            #expect(Self.number(readings, "twice") == 100, "a computed point may use another")
            #expect(Self.reading(readings, "sum")?.quality == .good)
            // c is refused (exception 02): the ratio has no value and says why.
            #expect(Self.reading(readings, "ratio")?.value.value == nil)
            #expect(Self.reading(readings, "ratio")?.quality == .bad(.deviceException(2)))

            simulator.set(.holding, unit: 1, address: 11, to: 0xFFFF)  // b's fault sentinel
            readings = await readout.readOnce(over: link).readings
            #expect(Self.reading(readings, "sum")?.quality == .bad(.sensorFault))
            #expect(Self.reading(readings, "twice")?.quality == .bad(.sensorFault))

            simulator.set(.holding, unit: 1, address: 11, to: 200)  // 30 + 100 = 130: above its measuring range
            readings = await readout.readOnce(over: link).readings
            #expect(Self.number(readings, "sum") == 130)
            #expect(Self.reading(readings, "sum")?.quality == .uncertain(.outOfRange))
        }
    }

    @Test func aCatchAllStateAndAnOutOfRangeQualifierMarkTheGas() async throws {
        let map = try Self.parse(
            """
              - id: gas
                table: holding
                address: 30
                type: uint16
                scale: 0.1
                unit: "%LEL"
                category: gas
              - id: mode
                table: holding
                address: 31
                type: uint16
                measuring_range: [0, 2]
                states:
                  0: measuring
                  1: { label: calibration, status: inhibit }
                  other: { label: unknown mode, status: fault }
              - id: cartridge
                table: holding
                address: 32
                type: uint16
                expect: [7, 8]
                qualifies: [gas]
            """
        )
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            var readout = try DeviceReadout(map: map, unit: 1)
            let link = testLink(endpoint)
            simulator.set(.holding, unit: 1, address: 30, to: 123)  // 12.3 %LEL
            simulator.set(.holding, unit: 1, address: 31, to: 0)
            simulator.set(.holding, unit: 1, address: 32, to: 7)
            var readings = await readout.readOnce(over: link).readings
            #expect(Self.reading(readings, "gas")?.quality == .good)

            simulator.set(.holding, unit: 1, address: 31, to: 2)  // not listed: the catch-all's fault
            readings = await readout.readOnce(over: link).readings
            #expect(Self.reading(readings, "gas")?.quality == .bad(.sensorFault))

            simulator.set(.holding, unit: 1, address: 31, to: 5)  // beyond the mode's measuring range
            readings = await readout.readOnce(over: link).readings
            #expect(Self.reading(readings, "mode")?.quality == .uncertain(.outOfRange))
            #expect(Self.reading(readings, "gas")?.quality == .bad(.sensorFault), "the worst of fault and out of range")

            simulator.set(.holding, unit: 1, address: 31, to: 0)
            simulator.set(.holding, unit: 1, address: 32, to: 9)  // a cartridge the map does not allow
            readings = await readout.readOnce(over: link).readings
            #expect(Self.reading(readings, "gas")?.quality == .bad(.configMismatch))
        }
    }

    @Test func aTextAssertionOnACartridgeName() async throws {
        let map = try Self.parse(
            """
              - { id: gas, table: holding, address: 50, type: uint16, unit: ppm, category: gas }
              - { id: cartridge, table: holding, address: 51, type: string, length: 2, expect: [H2S, "H2S-LC"] }
            """
        )
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            var readout = try DeviceReadout(map: map, unit: 1)
            let link = testLink(endpoint)
            simulator.set(.holding, unit: 1, address: 50, to: 12)
            simulator.set(.holding, unit: 1, address: 51, to: 0x4832)  // "H2"
            simulator.set(.holding, unit: 1, address: 52, to: 0x5300)  // "S", NUL
            var readings = await readout.readOnce(over: link).readings
            #expect(Self.reading(readings, "cartridge")?.value.value == .text("H2S"))
            #expect(Self.reading(readings, "gas")?.quality == .good, "no qualifies: every measurement of the device")
            simulator.set(.holding, unit: 1, address: 51, to: 0x434F)  // "CO"
            simulator.set(.holding, unit: 1, address: 52, to: 0x0000)
            readings = await readout.readOnce(over: link).readings
            #expect(Self.reading(readings, "gas")?.quality == .bad(.configMismatch))
        }
    }

    @Test func anOutOfRangeQualifierPropagates() async throws {
        let map = try Self.parse(
            """
              - { id: level, table: holding, address: 40, type: uint16, unit: m, category: level }
              - id: unit_code
                table: holding
                address: 41
                type: uint16
                measuring_range: [0, 9]
                states: { 0: metres, 1: { label: feet, status: fault } }
            """
        )
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            var readout = try DeviceReadout(map: map, unit: 1)
            simulator.set(.holding, unit: 1, address: 40, to: 5)
            simulator.set(.holding, unit: 1, address: 41, to: 12)  // out of range, and no catch-all
            let readings = await readout.readOnce(over: testLink(endpoint)).readings
            #expect(Self.reading(readings, "level")?.quality == .uncertain(.outOfRange))
        }
    }

    @Test func simulatedComputedPointsComputeBackToTheirTarget() async throws {
        for file in ["dongxin/sf6-o2-detector", "scadametrics/ethermeter-em-100"] {
            let map = try Self.map(file)
            let simulator = Simulator(units: [], maps: [1: map])
            let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
            defer { server.stop() }
            var readout = try DeviceReadout(map: map, unit: 1)
            let link = testLink(.tcp(server.endpoint))
            var readings = await readout.readOnce(over: link).readings
            // Oxygen in the normal state sits between its low and high alarms.
            if file.hasPrefix("dongxin") {
                let o2 = try #require(Self.number(readings, "o2"))
                #expect(o2 > 19.5 && o2 < 23.5, "\(o2)")
                simulator.setState(.alarm1, unit: 1)
                readings = await readout.readOnce(over: link).readings
                let alarmed = try #require(Self.number(readings, "o2"))
                #expect(alarmed >= 23.5, "alarm1 drives the computed value past H")
            } else {
                #expect(Self.number(readings, "total").map { $0 >= 1000 } == true)
                #expect(Self.number(readings, "exponent") == 1, "written from simulate: to the value the map asserts")
            }
            let notGood = readings.filter { !$0.quality.isGood }.map { "\($0.point.id) \($0.quality)" }
            #expect(notGood.isEmpty, "\(file): \(notGood)")
        }
    }
}
