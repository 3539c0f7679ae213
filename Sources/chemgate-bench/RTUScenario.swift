import ArgumentParser
import Foundation
import Logging
import Modbus
import Simulator
import TestSupport

/// `rtu`: transactions per second over a socat pty pair when the simulator holds each reply for
/// its frames' wire time (8E1, 11-bit characters), beside the line-rate limit of ANCHORS.md §8:
/// `T = request + t3.5 + response + t3.5` with no turnaround. The ratio is the bus utilisation.
struct RTUScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtu",
        abstract: "RTU over a pty pair at 9600/19200/115200 8E1 vs the line-rate limit (target utilisation ≥ 0.90)."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "Baud rates (repeatable; default 9600, 19200 and 115200).")
    var baud: [Int] = []

    @Option(help: "Registers per read (repeatable; default 10 and 125).")
    var registers: [Int] = []

    func run() async throws {
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        for rate in baud.isEmpty ? [9600, 19200, 115_200] : baud {
            for count in registers.isEmpty ? [10, 125] : registers {
                let line = try await SocatPair()
                let devicePort = try SerialPort(path: line.deviceSide, baud: rate, parity: .even)
                let server = try ModbusRTUServer(
                    port: devicePort,
                    handler: Simulator(units: [1]),
                    logger: quiet,
                    holdsForWireTime: true
                )
                let link = ModbusLink(
                    endpoint: .rtu(try SerialPort(path: line.gatewaySide, baud: rate, parity: .even)),
                    options: ModbusLinkOptions(responseTimeout: .seconds(1), byteTimeout: .milliseconds(500)),
                    logger: quiet
                )
                _ = try await link.readRegisters(.holding, unit: 1, address: 10, count: count)
                var transactions = 0
                var failures = 0
                let clock = ContinuousClock()
                let start = clock.now
                while clock.now - start < options.window {
                    do {
                        _ = try await link.readRegisters(.holding, unit: 1, address: 10, count: count)
                        transactions += 1
                    } catch {
                        failures += 1
                    }
                }
                let elapsed = (clock.now - start).secondsValue
                await link.close()
                server.stop()
                withExtendedLifetime(line) {}
                let wire = RTUWireTime(port: devicePort)
                let limit = wire.transactionsPerSecond(
                    requestBytes: RTUWireTime.requestBytes(functionCode: 3),
                    responseBytes: RTUWireTime.responseBytes(functionCode: 3, count: count)
                )
                Figure(
                    scenario: "rtu \(rate) 8E1 \(count) regs",
                    label: "chemgate",
                    value: Double(transactions) / elapsed,
                    unit: "txn/s",
                    referenceLabel: "line limit",
                    reference: limit,
                    target: .atLeast(0.9, "0.90"),
                    note: "\(transactions) transactions, \(failures) failures in \(Figure.format(elapsed)) s"
                ).print()
            }
        }
    }
}
