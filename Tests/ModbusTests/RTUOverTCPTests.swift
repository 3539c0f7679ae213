import Modbus
import Simulator
import TestSupport
import Testing

/// `rtu+tcp://` links: libmodbus's RTU framing and CRC over a TCP connection to a serial device
/// server, against the simulator's stand-in and pymodbus's RTU framer over TCP.
@Suite("RTU over TCP (serial device servers)")
struct RTUOverTCPTests {
    static func endpoint(_ port: Int) throws -> ModbusEndpoint {
        try ModbusEndpoint(url: "rtu+tcp://127.0.0.1:\(port)")
    }

    @Test func readsSeveralUnitsBehindOneServer() async throws {
        let simulator = Simulator(units: [1, 2])
        let server = try ModbusRTUOverTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        let link = testLink(try Self.endpoint(server.port))
        #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1])
        #expect(try await link.readRegisters(.holding, unit: 2, address: 10, count: 3) == [10, 11, 12])
        #expect(try await link.readBits(.coil, unit: 2, address: 0, count: 3) == [true, false, true])
        // A unit nobody simulates is silent, as on a line: a timeout, not a TCP gateway's 0B.
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 9, address: 0, count: 1)
        }
        #expect(error?.kind.isTimeoutForTest == true, "\(String(describing: error))")
        #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1], "the line recovers")
    }

    @Test func aCorruptedCRCIsCaughtByLibmodbus() async throws {
        let simulator = Simulator(units: [4], faults: [UnitFault(unit: 4, fault: .corruptCRC)])
        let server = try ModbusRTUOverTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        let link = testLink(try Self.endpoint(server.port))
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 4, address: 0, count: 1)
        }
        #expect(error?.kind == .badCRC, "\(String(describing: error))")
    }

    @Test func reconnectsAfterTheServerRestarts() async throws {
        let simulator = Simulator(units: [1])
        var server = try ModbusRTUOverTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        let port = server.port
        let link = testLink(try Self.endpoint(port))
        #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1])
        server.stop()
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
        }
        #expect(
            error?.kind == .connectionReset || error?.kind == .connectionRefused,
            "a closed device server is a broken connection: \(String(describing: error))"
        )
        #expect(await link.isConnected == false)
        let refused = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
        }
        #expect(refused?.kind == .connectionRefused, "\(String(describing: refused))")
        server = try ModbusRTUOverTCPServer(host: "127.0.0.1", port: port, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1])
        #expect(await link.statistics.reconnects == 1)
    }

    @Test func readsPymodbusRTUFramerOverTCP() async throws {
        let port = try Tools.freePort()
        let server = try ChildProcess("python3", [InteropTests.serverScript, "rtutcp", String(port)])
        let link = testLink(try Self.endpoint(port))
        try await InteropTests.waitUntilAnswering(link, server: server)
        try await InteropTests.expectPymodbusValues(link)
    }

    @Test func parsesTheURL() throws {
        let endpoint = try ModbusEndpoint(url: "rtu+tcp://10.0.0.7:4001?baud=19200&parity=N")
        guard case .rtuOverTCP(let server) = endpoint else {
            Issue.record("not rtu+tcp: \(endpoint)")
            return
        }
        #expect(server.host == "10.0.0.7" && server.port == 4001)
        #expect(server.line.baud == 19200 && server.line.parity == .none)
        #expect(endpoint.description == "rtu+tcp://10.0.0.7:4001?baud=19200&parity=N&data=8&stop=1")
        #expect(endpoint.isRTUFramed && !endpoint.isSerial)
        #expect(try ModbusEndpoint(url: "rtu+tcp://10.0.0.7:4001").description == "rtu+tcp://10.0.0.7:4001")
        let missingPort = #expect(throws: ModbusError.self) { try ModbusEndpoint(url: "rtu+tcp://10.0.0.7") }
        #expect(missingPort?.reason.contains("4001") == true, "\(String(describing: missingPort))")
        #expect(throws: ModbusError.self) { try ModbusEndpoint(url: "rtu+tcp://10.0.0.7:4001?baud=14400") }
    }

    @Test func refusesUnitZeroAndAbove247() async throws {
        let link = testLink(try Self.endpoint(1))
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 248, address: 0, count: 1)
        }
        guard case .invalidRequest = error?.kind else {
            Issue.record("expected invalidRequest, got \(String(describing: error))")
            return
        }
    }
}

extension ModbusError.Kind {
    var isTimeoutForTest: Bool {
        if case .timeout = self { return true }
        return false
    }
}
