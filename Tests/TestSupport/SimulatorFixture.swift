public import Logging
public import Modbus
public import Simulator

/// A logger that drops everything, for tests that assert on values rather than logs.
public let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs `body` with an in-process simulator served over TCP on a free port of 127.0.0.1.
public func withTCPSimulator<T>(
    units: [UInt8] = [1],
    faults: [UnitFault] = [],
    _ body: (ModbusEndpoint, Simulator, ModbusTCPServer) async throws -> T
) async throws -> T {
    let simulator = Simulator(units: units, faults: faults)
    let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
    defer { server.stop() }
    return try await body(.tcp(server.endpoint), simulator, server)
}

/// Runs `body` with an in-process simulator served over RTU on one end of a socat pty pair; `body`
/// gets the other end's endpoint.
public func withRTUSimulator<T>(
    units: [UInt8] = [1],
    faults: [UnitFault] = [],
    baud: Int = 19200,
    _ body: (ModbusEndpoint, Simulator) async throws -> T
) async throws -> T {
    let line = try await SocatPair()
    let simulator = Simulator(units: units, faults: faults)
    let server = try ModbusRTUServer(
        port: try SerialPort(path: line.deviceSide, baud: baud),
        handler: simulator,
        logger: quietLogger
    )
    defer { server.stop() }
    let result = try await body(.rtu(try SerialPort(path: line.gatewaySide, baud: baud)), simulator)
    withExtendedLifetime(line) {}
    return result
}

/// A link to `endpoint` with a short timeout, so tests of dead devices stay quick.
public func testLink(
    _ endpoint: ModbusEndpoint,
    timeout: Duration = .milliseconds(300),
    writes: ModbusLinkOptions.WriteAccess = .denied
) -> ModbusLink {
    ModbusLink(
        endpoint: endpoint,
        options: ModbusLinkOptions(responseTimeout: timeout, byteTimeout: timeout, writeAccess: writes),
        logger: quietLogger
    )
}
