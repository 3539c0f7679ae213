import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// chemgate against Modbus stacks no one here wrote: pymodbus as a server, mbpoll as a client.
@Suite("Interoperability with pymodbus and mbpoll")
struct InteropTests {
    static let serverScript = Tools.repositoryRoot.appendingPathComponent("Tests/Interop/pymodbus_server.py").path

    @Test func readsAPymodbusTCPServer() async throws {
        let port = try Tools.freePort()
        let server = try ChildProcess("python3", [Self.serverScript, "tcp", String(port)])
        let link = testLink(.tcp(TCPEndpoint(host: "127.0.0.1", port: port)))
        try await Self.waitUntilAnswering(link, server: server)
        try await Self.expectPymodbusValues(link)
    }

    @Test func readsAPymodbusRTUServer() async throws {
        let line = try await SocatPair()
        // 8N1: pyserial's tcsetattr with even parity fails with EINVAL on a Linux pty.
        let server = try ChildProcess("python3", [Self.serverScript, "rtu", line.deviceSide, "19200", "N"])
        let link = testLink(try ModbusEndpoint(url: line.gatewayURL(baud: 19200, parity: "N")))
        try await Self.waitUntilAnswering(link, server: server)
        try await Self.expectPymodbusValues(link)
    }

    @Test func mbpollReadsTheSimulatorOverTCP() async throws {
        try await withTCPSimulator(units: [1, 2]) { (endpoint, _, server) async throws in
            // mbpoll numbers registers from 1: reference 11 is protocol address 10.
            let result = try await ChildProcess.run(
                "mbpoll",
                [
                    "-m", "tcp", "-p", String(server.port), "-a", "2", "-t", "4", "-r", "11", "-c", "3", "-1",
                    "127.0.0.1",
                ]
            )
            #expect(result.status == 0, "\(result.output)")
            #expect(Self.mbpollValues(result.output) == [11: "10", 12: "11", 13: "12"])
            let input = try await ChildProcess.run(
                "mbpoll",
                ["-m", "tcp", "-p", String(server.port), "-a", "1", "-t", "3", "-r", "1", "-c", "1", "-1", "127.0.0.1"]
            )
            #expect(Self.mbpollValues(input.output) == [1: "1"], "input 0 mirrors the unit id")
        }
    }

    @Test func mbpollReadsTheSimulatorOverRTU() async throws {
        let line = try await SocatPair()
        let simulator = Simulator(units: [3])
        let server = try ModbusRTUServer(
            port: try SerialPort(path: line.deviceSide, baud: 19200, parity: .even),
            handler: simulator,
            logger: quietLogger
        )
        defer { server.stop() }
        let result = try await ChildProcess.run(
            "mbpoll",
            [
                "-m", "rtu", "-b", "19200", "-P", "even", "-a", "3", "-t", "4", "-r", "101", "-c", "2", "-1",
                line.gatewaySide,
            ]
        )
        #expect(result.status == 0, "\(result.output)")
        #expect(Self.mbpollValues(result.output) == [101: "100", 102: "101"])
        let coils = try await ChildProcess.run(
            "mbpoll",
            [
                "-m", "rtu", "-b", "19200", "-P", "even", "-a", "3", "-t", "0", "-r", "1", "-c", "3", "-1",
                line.gatewaySide,
            ]
        )
        #expect(Self.mbpollValues(coils.output) == [1: "1", 2: "0", 3: "1"])
    }

    // MARK: - Helpers

    static func expectPymodbusValues(_ link: ModbusLink) async throws {
        let holding = try await link.readRegisters(.holding, unit: 1, address: 0, count: 10)
        #expect(holding == (1000..<1010).map { UInt16($0) })
        let other = try await link.readRegisters(.holding, unit: 7, address: 8, count: 2)
        #expect(other == [7008, 7009])
        let input = try await link.readRegisters(.input, unit: 1, address: 3, count: 2)
        #expect(input == [2003, 2004])
        let coils = try await link.readBits(.coil, unit: 1, address: 0, count: 5)
        #expect(coils == [true, false, true, false, true])
        let discrete = try await link.readBits(.discrete, unit: 1, address: 0, count: 4)
        #expect(discrete == [true, false, false, true])
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 9, count: 2)
        }
        #expect(error?.kind == .exception(.illegalDataAddress))
    }

    /// Retries a first read until the Python server has started (or gives up after 20 s).
    static func waitUntilAnswering(_ link: ModbusLink, server: ChildProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if (try? await link.readRegisters(.holding, unit: 1, address: 0, count: 1)) != nil { return }
            guard server.isRunning else { throw TestFailure("pymodbus server exited:\n\(server.text)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("pymodbus server did not answer within 20 s:\n\(server.text)")
    }

    /// mbpoll prints `[REF]: \tVALUE` per item.
    static func mbpollValues(_ output: String) -> [Int: String] {
        var values: [Int: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("[") {
            guard let close = line.firstIndex(of: "]"),
                let reference = Int(line[line.index(after: line.startIndex)..<close])
            else { continue }
            values[reference] = line[line.index(after: close)...].trimmingCharacters(
                in: CharacterSet(charactersIn: ": \t")
            )
        }
        return values
    }
}
