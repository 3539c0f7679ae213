import DeviceMap
import Foundation
import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// examples/tank-farm.yaml, run against simulators of every device it names.
@Suite("The tank-farm example site")
struct TankFarmExampleTests {
    @Test func everyPointReadsGoodAgainstSimulators() async throws {
        let root = Tools.repositoryRoot
        func map(_ name: String) throws -> DeviceMap {
            try DeviceMapLoader.load(path: root.appendingPathComponent("Devices/\(name).yaml").path)
        }
        let plc = Simulator(units: [], maps: [1: try map("siemens/s7-mb-server-tank-farm")])
        let plcServer = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: plc, logger: quietLogger)
        defer { plcServer.stop() }
        let combustible = try map("generic/combustible-gas-detector")
        let gasBus = try await SocatPair()
        let gasServer = try ModbusRTUServer(
            port: try SerialPort(path: gasBus.deviceSide, baud: 19200, parity: .even),
            handler: Simulator(
                units: [],
                maps: Dictionary(uniqueKeysWithValues: (1...8).map { (UInt8($0), combustible) })
            ),
            logger: quietLogger
        )
        defer { gasServer.stop() }
        let toxic = try map("generic/electrochemical-gas-module")
        let toxicBus = try await SocatPair()
        let toxicServer = try ModbusRTUServer(
            port: try SerialPort(path: toxicBus.deviceSide, baud: 9600, parity: .none),
            handler: Simulator(units: [], maps: Dictionary(uniqueKeysWithValues: (9...12).map { (UInt8($0), toxic) })),
            logger: quietLogger
        )
        defer { toxicServer.stop() }

        var yaml = try String(contentsOf: root.appendingPathComponent("examples/tank-farm.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "tcp://192.168.10.5:502", with: plcServer.endpoint.description)
        yaml = yaml.replacingOccurrences(
            of: "rtu:///dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K1-if00-port0?baud=19200",
            with: "rtu://\(gasBus.gatewaySide)?baud=19200"
        )
        yaml = yaml.replacingOccurrences(
            of: "rtu:///dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K2-if00-port0?baud=9600",
            with: "rtu://\(toxicBus.gatewaySide)?baud=9600"
        )
        yaml = yaml.replacingOccurrences(
            of: "devices_path: ../Devices",
            with: "devices_path: \(root.appendingPathComponent("Devices").path)"
        )
        let file = try Tools.temporaryDirectory().appendingPathComponent("tank-farm.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)

        let (site, _) = try SiteConfigLoader.load(path: file.path)
        let expected = site.devices.reduce(0) { $0 + $1.points.count }
        #expect(site.devices.count == 13)
        let sink = CollectingSink()
        let service = PollingService(site: site, plan: try SitePlan.make(site), sink: sink, logger: quietLogger)
        let task = Task { try await service.run() }
        defer { task.cancel() }
        try await sink.wait(for: "a reading of every point", timeout: .seconds(30)) { sink in
            let keys = await Set(sink.readings.map { "\($0.device)/\($0.point)" })
            return keys.count == expected
        }
        // Each link's thread carries the link's id (top -H, perf), while the service runs. Looked for
        // until all three are there: a link that is reopened (after a timeout at start, on a loaded
        // machine) is between threads for a moment.
        let links = ["plc", "gas-bus", "toxic-bus"]
        var names = try threadNames()
        let deadline = ContinuousClock.now + .seconds(10)
        while !links.allSatisfy({ names.contains("link \($0)") }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            names = try threadNames()
        }
        for link in links {
            #expect(names.contains("link \(link)"), "thread names: \(names.sorted())")
        }
        task.cancel()
        var latest: [String: Reading] = [:]
        for reading in await sink.readings { latest["\(reading.device)/\(reading.point)"] = reading }
        let notGood = latest.values.filter { !$0.quality.isGood }.map { "\($0.device).\($0.point): \($0.quality)" }
            .sorted()
        #expect(notGood.isEmpty, "\(notGood)")
        #expect(latest.count == expected)
    }
}
