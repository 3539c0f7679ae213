import Modbus
import Simulator
import TestSupport
import Testing

/// A socat pty refuses even parity when it is opened again (EINVAL from tcsetattr on this kernel):
/// a restarted gateway or simulator must get its line back.
@Suite("RTU on a pseudo-terminal with parity")
struct PseudoTerminalParityTests {
    @Test(arguments: [SerialPort.Parity.even, .odd])
    func aReopenedPtyRecovers(parity: SerialPort.Parity) async throws {
        let line = try await SocatPair()
        let simulator = Simulator(units: [1])
        let devicePort = try SerialPort(path: line.deviceSide, baud: 19200, parity: parity)
        #expect(devicePort.isPseudoTerminal)
        var server = try ModbusRTUServer(port: devicePort, handler: simulator, logger: quietLogger)
        let link = testLink(.rtu(try SerialPort(path: line.gatewaySide, baud: 19200, parity: parity)))
        #expect(try await link.readRegisters(.holding, unit: 1, address: 10, count: 1) == [10])
        for round in 0..<3 {
            await link.close()
            let values = try await link.readRegisters(.holding, unit: 1, address: UInt16(20 + round), count: 1)
            #expect(values == [UInt16(20 + round)], "after the gateway reopened the pty (round \(round))")
        }
        server.stop()
        try await Task.sleep(for: .milliseconds(400))  // the server's pump closes the pty within 250 ms
        server = try ModbusRTUServer(port: devicePort, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        var values: [UInt16] = []
        for _ in 0..<3 where values.isEmpty {
            values = (try? await link.readRegisters(.holding, unit: 1, address: 30, count: 1)) ?? []
        }
        #expect(values == [30], "after the simulator reopened its side of the pty")
        withExtendedLifetime(line) {}
    }

    @Test func aRegularFileIsNoPseudoTerminal() throws {
        #expect(try SerialPort(path: "/dev/null").isPseudoTerminal == false)
        #expect(try SerialPort(path: "/etc/hostname").isPseudoTerminal == false)
    }
}
