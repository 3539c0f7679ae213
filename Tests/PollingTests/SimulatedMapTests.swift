import Decoding
import DeviceMap
import Foundation
import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// Every device map, served by `chemgate simulate --map`, read back through the same map.
@Suite("Device maps served by the simulator")
struct SimulatedMapTests {
    static var mapFiles: [String] {
        let devices = Tools.repositoryRoot.appendingPathComponent("Devices")
        let enumerator = FileManager.default.enumerator(atPath: devices.path)
        return (enumerator?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func map(_ file: String) throws -> DeviceMap {
        try DeviceMapLoader.load(path: Tools.repositoryRoot.appendingPathComponent("Devices/\(file)").path)
    }

    @Test("every point of every map reads good in the normal state", arguments: mapFiles)
    func everyPointReadsGood(file: String) async throws {
        let map = try Self.map(file)
        let simulator = Simulator(units: [], maps: [7: map])
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        var readout = try DeviceReadout(map: map, unit: 7)
        let result = await readout.readOnce(over: testLink(.tcp(server.endpoint)))
        #expect(result.readings.count == map.points.count)
        let notGood = result.readings.filter { !$0.quality.isGood }.map { "\($0.point.id): \($0.quality)" }
        #expect(notGood.isEmpty, "\(file): \(notGood)")
        #expect(readout.isolated.isEmpty)
    }

    @Test func statesShowInQuality() async throws {
        let map = try Self.map("generic/combustible-gas-detector.yaml")
        let simulator = Simulator(units: [], maps: [1: map])
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        let link = testLink(.tcp(server.endpoint))
        var readout = try DeviceReadout(map: map, unit: 1)
        func concentration() async -> PointReading? {
            await readout.readOnce(over: link).readings.first { $0.point.id == "concentration" }
        }
        #expect(await concentration()?.quality == .good)
        simulator.setState(.fault, unit: 1)
        #expect(await concentration()?.quality == .bad(.sensorFault))
        simulator.setState(.calibration, unit: 1)
        #expect(await concentration()?.quality == .uncertain(.inhibited))
        simulator.setState(.alarm2, unit: 1)
        let alarm = await concentration()
        #expect(alarm?.quality == .good)
        guard case .number(let value)? = alarm?.value.value else {
            Issue.record("no number in alarm2")
            return
        }
        #expect(value >= 50, "above the second alarm level")
        simulator.setState(.overrange, unit: 1)
        #expect(await concentration()?.quality == .uncertain(.outOfRange))
    }

    @Test func ne43FaultCurrentOnAnAnalogInputModule() async throws {
        let files = Self.mapFiles.filter { file in (try? Self.map(file))?.points.contains { $0.conversion.ne43 } == true
        }
        #expect(!files.isEmpty, "the library has a 4–20 mA module with NE43 points")
        for file in files {
            let map = try Self.map(file)
            let simulator = Simulator(units: [], maps: [1: map])
            let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
            defer { server.stop() }
            simulator.setState(.fault, unit: 1)
            var readout = try DeviceReadout(map: map, unit: 1)
            let readings = await readout.readOnce(over: testLink(.tcp(server.endpoint))).readings
            let ne43 = readings.filter(\.point.conversion.ne43)
            #expect(!ne43.isEmpty && ne43.allSatisfy { $0.quality == .bad(.sensorFault) }, "\(file)")
        }
    }

    @Test func calibrationSuppressesAlarmsWhileTheGasIsHigh() async throws {
        let map = try Self.map("generic/combustible-gas-detector.yaml")
        let simulator = Simulator(units: [], maps: [1: map])
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        simulator.setState(.calibration, unit: 1)
        simulator.set(.holding, unit: 1, address: 0, to: 400)  // 40 %LEL of test gas during calibration
        let fixture = try PollingFixture(
            """
            links: [ { id: bus, endpoint: "\(server.endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            devices: [ { id: gd, link: bus, unit: 1, map: generic/combustible-gas-detector } ]
            """
        )
        try await fixture.polling {
            try await fixture.sink.wait(for: "an inhibited reading") {
                await $0.readings(device: "gd", point: "concentration").last?.quality == .uncertain(.inhibited)
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(await fixture.sink.events.filter { $0.kind == .alarmRaised }.isEmpty)
        #expect(await fixture.sink.readings(device: "gd", point: "concentration").last?.value == .number(40))
    }
}
