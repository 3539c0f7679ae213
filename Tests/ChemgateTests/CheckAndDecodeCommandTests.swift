import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate check` and the decoding options of `chemgate read`, run as processes.
@Suite("chemgate check and read --type/--map")
struct CheckAndDecodeCommandTests {
    static let root = Tools.repositoryRoot.path

    @Test func checkPrintsSummaryBusTimeAndPlan() async throws {
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            ["check", "\(Self.root)/examples/chemgate.yaml", "--plan"]
        )
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("valid — gateway GW-TANKS-01"))
        #expect(result.output.contains("RS-485 bus time per cycle"))
        #expect(result.output.contains("bus1  19200 8E1  fast  4 reads  195 ms  20% of 1 s"), "\(result.output)")
        #expect(
            result.output.contains(
                "holding 0..1 (2 registers: concentration, fault, first_alarm, inhibited, second_alarm)"
            )
        )
    }

    @Test func checkWarnsWhenAScanClassCannotMeetItsPeriod() async throws {
        let directory = try Tools.temporaryDirectory()
        let site = directory.appendingPathComponent("slow-bus.yaml")
        let devices = (1...30).map {
            "  - { id: gd-\($0), link: bus, unit: \($0), map: generic/combustible-gas-detector }"
        }
        try """
        gateway: { id: GW, enterprise: E }
        devices_path: \(Self.root)/Devices
        links: [ { id: bus, endpoint: "rtu:///dev/ttyUSB0?baud=9600&parity=E" } ]
        scan_classes: { fast: 1s }
        devices:
        \(devices.joined(separator: "\n"))
        """.write(to: site, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["check", site.path])
        #expect(result.status == 0)
        #expect(result.output.contains("warning: link 'bus', scan class 'fast': one cycle needs"), "\(result.output)")
    }

    @Test func checkReportsEveryErrorWithItsLineAndExits1() async throws {
        let file = "\(Self.root)/Tests/DeviceMapTests/Fixtures/broken-sites/site-errors.yaml"
        let result = try await ChildProcess.run(try Tools.chemgate(), ["check", file])
        #expect(result.status == 1)
        #expect(
            result.output.contains("site-errors.yaml:13:23: error: unknown link 'bsu1'; did you mean 'bus1'?"),
            "\(result.output)"
        )
        #expect(result.output.contains("   13 |   - { id: gd-4, link: bsu1,"))
        #expect(result.output.contains("13 errors in the configuration"))
    }

    @Test func checkRefusesTLSFilesThatAreNotCertificatesOrKeys() async throws {
        let directory = try Tools.temporaryDirectory()
        try "not a certificate\n".write(
            to: directory.appendingPathComponent("park-ca.pem"),
            atomically: true,
            encoding: .utf8
        )
        let site = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW, enterprise: E }
        devices_path: \(Self.root)/Devices
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:502" } ]
        devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
        uplinks: [ { id: park, url: "https://park.example/api", ca_file: park-ca.pem } ]
        """.write(to: site, atomically: true, encoding: .utf8)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["check", site.path])
        #expect(result.status == 1, "\(result.output)")
        let ca = directory.appendingPathComponent("park-ca.pem").path
        #expect(
            result.output.contains("uplinks[park].ca_file '\(ca)': not a PEM certificate file"),
            "\(result.output)"
        )
    }

    @Test func readDecodesInEveryByteOrder() async throws {
        try await withTCPSimulator { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 20, to: 0x2000)
            simulator.set(.holding, unit: 1, address: 21, to: 0x47F1)
            let result = try await ChildProcess.run(
                try Tools.chemgate(),
                ["read", endpoint.description, "--address", "20", "--type", "float32", "--order", "all"]
            )
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("decoded as float32:"))
            #expect(result.output.contains("  CDAB     123456.0"))
            #expect(result.output.contains("     21  0x47F1   18417   18417"), "the raw registers come first")
        }
    }

    @Test func readMapPrintsEveryPointWithQuality() async throws {
        try await withTCPSimulator(units: [2]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 2, address: 0, to: 120)
            simulator.set(.holding, unit: 2, address: 1, to: 0b1000)
            let result = try await ChildProcess.run(
                try Tools.chemgate(),
                [
                    "read", endpoint.description, "--unit", "2", "--map",
                    "\(Self.root)/Devices/generic/combustible-gas-detector.yaml",
                ]
            )
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("7 points in 2 reads"))
            let line = result.output.split(separator: "\n").first { $0.contains("concentration") }
            #expect(
                line?.contains("12") == true && line?.contains("%LEL") == true
                    && line?.contains("uncertain (inhibited)") == true,
                "\(result.output)"
            )
        }
    }

    @Test func readMapShowsAFaultedPointsRawRegistersNotAValue() async throws {
        try await withTCPSimulator(units: [2]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 2, address: 0, to: 0x8000)  // the fault sentinel: -3276.8 %LEL if scaled
            simulator.set(.holding, unit: 2, address: 1, to: 0)
            let result = try await ChildProcess.run(
                try Tools.chemgate(),
                [
                    "read", endpoint.description, "--unit", "2", "--map",
                    "\(Self.root)/Devices/generic/combustible-gas-detector.yaml",
                ]
            )
            let line = result.output.split(separator: "\n").first { $0.contains("concentration") }
            #expect(
                line?.contains("- (raw 0x8000)") == true && line?.contains("bad (sensor_fault)") == true
                    && line?.contains("3276") == false,
                "\(result.output)"
            )
        }
    }

    @Test func readRefusesOrderWithoutType() async throws {
        let result = try await ChildProcess.run(try Tools.chemgate(), ["read", "tcp://127.0.0.1:1", "--order", "CDAB"])
        #expect(result.status == 64)
        #expect(result.output.contains("--order needs --type"))
    }
}
