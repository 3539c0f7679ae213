import Foundation
import Modbus
import TestSupport
import Testing

/// The chemgate binary run as an engineer runs it: real processes, real signals, real exit codes.
@Suite("chemgate read and simulate as processes")
struct CommandLineTests {
    /// Starts `chemgate simulate` on a free TCP port and returns it with its endpoint URL.
    static func startSimulator(_ arguments: [String] = [], port: Int = 0) async throws -> (ChildProcess, String) {
        let simulator = try ChildProcess(try Tools.chemgate(), ["simulate", "--tcp", "127.0.0.1:\(port)"] + arguments)
        let line = try await simulator.waitForLine(containing: "listening on tcp://")
        guard let url = line.split(separator: " ").first(where: { $0.hasPrefix("tcp://") }) else {
            throw TestFailure("no URL in '\(line)'")
        }
        return (simulator, String(url))
    }

    @Test func readPrintsAddressHexAndValue() async throws {
        let (simulator, url) = try await Self.startSimulator(["--units", "1,2"])
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            ["read", url, "--unit", "2", "--address", "10", "--count", "3"]
        )
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("\(url) unit 2 holding 10..12: 3 registers in ") == true, "\(lines)")
        #expect(lines.contains("address  hex     uint16   int16"))
        #expect(lines.contains("     10  0x000A      10      10"))
        #expect(lines.contains("     12  0x000C      12      12"))
        withExtendedLifetime(simulator) {}
    }

    @Test func readPrintsNegativeValuesAsInt16Too() async throws {
        let (simulator, url) = try await Self.startSimulator()
        let link = ModbusLink(
            endpoint: try ModbusEndpoint(url: url),
            options: ModbusLinkOptions(writeAccess: .allowed),
            logger: quietLogger
        )
        try await link.writeRegister(unit: 1, address: 50, value: 0xFFFE)
        let result = try await ChildProcess.run(try Tools.chemgate(), ["read", url, "--address", "50"])
        #expect(result.output.contains("     50  0xFFFE   65534      -2"), "\(result.output)")
        withExtendedLifetime(simulator) {}
    }

    @Test func readBits() async throws {
        let (simulator, url) = try await Self.startSimulator()
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            ["read", url, "--table", "discrete", "--address", "2", "--count", "2"]
        )
        #expect(result.status == 0)
        #expect(result.output.contains("address  value\n      2  0\n      3  1"), "\(result.output)")
        withExtendedLifetime(simulator) {}
    }

    @Test func exceptionExitsWith1AndNamesTheRange() async throws {
        let (simulator, url) = try await Self.startSimulator()
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            ["read", url, "--address", "995", "--count", "10"]
        )
        #expect(result.status == 1)
        #expect(
            result.output.contains(
                "error: unit 1 at \(url): exception 02 (illegal data address) reading holding 995..1004"
            ),
            "\(result.output)"
        )
        withExtendedLifetime(simulator) {}
    }

    @Test func timeoutExitsWith2() async throws {
        let (simulator, url) = try await Self.startSimulator(["--units", "1,3", "--fault", "3:no-reply"])
        let result = try await ChildProcess.run(try Tools.chemgate(), ["read", url, "--unit", "3", "--timeout", "200"])
        #expect(result.status == 2)
        #expect(
            result.output.contains("error: unit 3 at \(url): no reply within 200 ms reading holding 0..0"),
            "\(result.output)"
        )
        #expect(result.output.contains("hint: check the unit id"))
        withExtendedLifetime(simulator) {}
    }

    @Test func connectionRefusedExitsWith2() async throws {
        let port = try Tools.freePort()
        let result = try await ChildProcess.run(try Tools.chemgate(), ["read", "tcp://127.0.0.1:\(port)"])
        #expect(result.status == 2)
        #expect(result.output.contains("connection refused"))
    }

    @Test func usageErrorsExitWith64() async throws {
        let badURL = try await ChildProcess.run(try Tools.chemgate(), ["read", "10.0.0.5:502"])
        #expect(badURL.status == 64)
        #expect(badURL.output.contains("is not an endpoint URL"))
        let tooMany = try await ChildProcess.run(try Tools.chemgate(), ["read", "tcp://127.0.0.1:1", "--count", "126"])
        #expect(tooMany.status == 64)
        #expect(
            tooMany.output.contains("126 registers asked, but one Modbus request carries at most 125"),
            "\(tooMany.output)"
        )
    }

    @Test func missingSerialDeviceExitsWith3() async throws {
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            ["read", "rtu:///dev/chemgate-absent?baud=19200"]
        )
        #expect(result.status == 3)
        #expect(result.output.contains("cannot open the serial device"))
    }

    @Test func helpDocumentsExitCodesAndURLs() async throws {
        let result = try await ChildProcess.run(try Tools.chemgate(), ["read", "--help"])
        #expect(result.output.contains("64  usage error"))
        let root = try await ChildProcess.run(try Tools.chemgate(), ["--help"])
        #expect(root.output.contains("rtu:///dev/ttyUSB0?baud=9600&parity=E&data=8&stop=1"))
    }

    @Test func readOverRTUAgainstTheSimulatorProcess() async throws {
        let line = try await SocatPair()
        let simulator = try ChildProcess(
            try Tools.chemgate(),
            ["simulate", "--rtu", line.deviceURL(baud: 9600, parity: "O"), "--units", "5"]
        )
        try await simulator.waitForLine(containing: "listening on rtu://")
        let result = try await ChildProcess.run(
            try Tools.chemgate(),
            ["read", line.gatewayURL(baud: 9600, parity: "O"), "--unit", "5", "--table", "input", "--address", "20"]
        )
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("     20  0x2724   10020   10020"), "\(result.output)")
    }

    @Test func simulatorStopsCleanlyOnSIGTERM() async throws {
        let (simulator, _) = try await Self.startSimulator()
        simulator.signal(SIGTERM)
        #expect(try await simulator.waitForExit() == 0)
        #expect(simulator.text.contains("stopping on SIGTERM"))
    }

    @Test func linkReconnectsAfterTheSimulatorIsKilledAndRestarted() async throws {
        var (simulator, url) = try await Self.startSimulator()
        let port = Int(url.split(separator: ":").last!)!
        let link = ModbusLink(
            endpoint: try ModbusEndpoint(url: url),
            options: ModbusLinkOptions(responseTimeout: .milliseconds(300)),
            logger: quietLogger
        )
        let before = try await link.readRegisters(.holding, unit: 1, address: 10, count: 2)
        #expect(before == [10, 11])

        simulator.signal(SIGKILL)
        _ = try await simulator.waitForExit()
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 10, count: 2)
        }
        #expect(error?.kind == .connectionReset || error?.kind == .connectionRefused, "\(String(describing: error))")

        (simulator, _) = try await Self.startSimulator(port: port)
        let after = try await link.readRegisters(.holding, unit: 1, address: 10, count: 2)
        #expect(after == [10, 11])
        #expect(await link.statistics.reconnects == 1)
        withExtendedLifetime(simulator) {}
    }
}
