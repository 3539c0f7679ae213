import Modbus
import Simulator
import TestSupport
import Testing

@Suite("Links recover by themselves")
struct LinkRecoveryTests {
    @Test func serverRestartedOnTheSamePort() async throws {
        let simulator = Simulator(units: [1])
        var server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        let port = server.port
        let link = testLink(.tcp(server.endpoint))
        #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1])

        server.stop()
        let error = await #expect(throws: ModbusError.self) {
            try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
        }
        #expect(error?.kind == .connectionReset || error?.kind == .connectionRefused, "\(String(describing: error))")
        #expect(await link.isConnected == false)

        server = try ModbusTCPServer(host: "127.0.0.1", port: port, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1])
        #expect(await link.statistics.reconnects == 1)
    }

    @Test func reconnectsAfterTimeoutsInARowOnTCP() async throws {
        try await withTCPSimulator(faults: [UnitFault(unit: 1, fault: .noReply)]) {
            (endpoint, simulator, _) async throws in
            let link = ModbusLink(
                endpoint: endpoint,
                options: ModbusLinkOptions(responseTimeout: .milliseconds(100), reconnectAfterTimeouts: 2),
                logger: quietLogger
            )
            for _ in 0..<2 {
                await #expect(throws: ModbusError.self) {
                    try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
                }
            }
            #expect(await link.isConnected == false, "two timeouts in a row close the connection")
            simulator.setFaults([], unit: 1)
            #expect(try await link.readRegisters(.holding, unit: 1, address: 0, count: 1) == [1])
            #expect(await link.statistics.reconnects == 1)
            #expect(await link.statistics.timeouts == 2)
        }
    }

    @Test func lateReplyAfterATimeoutIsFlushed() async throws {
        try await withTCPSimulator(faults: [UnitFault(unit: 1, fault: .delay(.milliseconds(250)))]) {
            (endpoint, simulator, _) async throws in
            let link = ModbusLink(
                endpoint: endpoint,
                options: ModbusLinkOptions(responseTimeout: .milliseconds(100), reconnectAfterTimeouts: 0),
                logger: quietLogger
            )
            await #expect(throws: ModbusError.self) {
                try await link.readRegisters(.holding, unit: 1, address: 10, count: 1)
            }
            simulator.setFaults([], unit: 1)
            try await Task.sleep(for: .milliseconds(300))  // the late reply arrives and waits in the socket
            // The next read finds the stale reply: it reports an invalid reply rather than taking
            // holding 10's value for holding 20's, and clears the line for the read after it.
            do throws(ModbusError) {
                let values = try await link.readRegisters(.holding, unit: 1, address: 20, count: 1)
                #expect(values == [20])
            } catch {
                guard case .invalidResponse = error.kind else {
                    Issue.record("expected an invalid reply, got \(error)")
                    return
                }
            }
            let values = try await link.readRegisters(.holding, unit: 1, address: 20, count: 1)
            #expect(values == [20])
        }
    }
}

@Suite("Timeout streaks on shared TCP links")
struct SharedLinkTimeoutTests {
    @Test func oneDeadUnitBehindAGatewayDoesNotResetTheConnection() async throws {
        try await withTCPSimulator(units: [1, 2], faults: [UnitFault(unit: 2, fault: .noReply)]) {
            (endpoint, _, _) async throws in
            let link = ModbusLink(
                endpoint: endpoint,
                options: ModbusLinkOptions(responseTimeout: .milliseconds(80), reconnectAfterTimeouts: 2),
                logger: quietLogger
            )
            _ = try await link.readRegisters(.holding, unit: 1, address: 0, count: 1)
            for _ in 0..<4 {
                await #expect(throws: ModbusError.self) {
                    try await link.readRegisters(.holding, unit: 2, address: 0, count: 1)
                }
            }
            #expect(await link.isConnected, "four timeouts of one unit on a shared link keep the connection")
            _ = try? await link.readRegisters(.holding, unit: 3, address: 0, count: 1)  // exception 0B: an answer
            #expect(await link.statistics.reconnects == 0)
        }
    }
}
