import ArgumentParser
import Foundation
import Logging
import Modbus
import TestSupport

/// `link`: Modbus TCP transactions per second of one chemgate link against `chemgate simulate`,
/// beside a plain C libmodbus loop against the same simulator, same registers, same time,
/// interleaved round by round (the machine is shared: only the ratio is comparable across runs).
struct LinkScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract:
            "One chemgate link vs a C libmodbus loop: Modbus TCP transactions/s (target ratio ≥ 0.95 as chemgate run calls it)."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "Registers per read (repeatable; default 10 and 125, 10 only with --quick).")
    var registers: [Int] = []

    @Option(help: "Alternating rounds per register count (each side runs --seconds / rounds per round).")
    var rounds: Int = 4

    func run() async throws {
        let simulator = try await SimulatorProcess.start()
        defer { simulator.child.signal(SIGTERM) }
        let reference = try Binaries.path("modbus-loop-reference")
        let roundLength = options.window / max(rounds, 1)
        for count in registers.isEmpty ? (options.quick ? [10] : [10, 125]) : registers {
            var chemgate = Tally()
            var preferring = Tally()
            var c = Tally()
            for round in 0..<max(rounds, 1) {
                // Alternate who goes first, so neither side always meets a warmer machine.
                let endpoint = simulator.endpoint
                if round % 2 == 0 {
                    chemgate += try await chemgateLoop(endpoint, count: count, length: roundLength, onLink: false)
                    preferring += try await chemgateLoop(endpoint, count: count, length: roundLength, onLink: true)
                    c += try await referenceLoop(reference, endpoint, count: count, length: roundLength)
                } else {
                    c += try await referenceLoop(reference, endpoint, count: count, length: roundLength)
                    preferring += try await chemgateLoop(endpoint, count: count, length: roundLength, onLink: true)
                    chemgate += try await chemgateLoop(endpoint, count: count, length: roundLength, onLink: false)
                }
            }
            // The poller runs with the link's executor preference: "caller on the link" is how
            // `chemgate run` calls it (issue #19's target 0.95); the pool figure is kept for comparison.
            for (label, tally, bound) in [
                ("chemgate (caller on the pool)", chemgate, 0.9),
                ("chemgate as `chemgate run` calls it (caller on the link)", preferring, 0.95),
            ] {
                Figure(
                    scenario: "link \(count) regs",
                    label: label,
                    value: tally.rate,
                    unit: "txn/s",
                    referenceLabel: "C libmodbus",
                    reference: c.rate,
                    target: .atLeast(bound, String(format: "%.2f", bound)),
                    note: "\(tally.failures + c.failures) failures; mean round trip chemgate "
                        + "\(Figure.format(1e6 / tally.rate)) µs, C \(Figure.format(1e6 / c.rate)) µs"
                ).print()
            }
        }
    }

    /// Transactions counted over a measured time.
    struct Tally {
        var transactions = 0
        var seconds = 0.0
        var failures = 0

        var rate: Double { seconds > 0 ? Double(transactions) / seconds : 0 }

        static func += (lhs: inout Tally, rhs: Tally) {
            lhs.transactions += rhs.transactions
            lhs.seconds += rhs.seconds
            lhs.failures += rhs.failures
        }
    }

    /// Reads in a loop from a task on the cooperative pool (as `chemgate run`'s poller does), or from a
    /// task that prefers the link's own thread (`onLink`).
    private func chemgateLoop(_ endpoint: TCPEndpoint, count: Int, length: Duration, onLink: Bool) async throws
        -> Tally
    {
        let link = ModbusLink(
            endpoint: .tcp(endpoint),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        guard onLink else { return try await Self.loop(link, count: count, length: length) }
        return try await withTaskExecutorPreference(link.taskExecutor) {
            try await Self.loop(link, count: count, length: length)
        }
    }

    private static func loop(_ link: ModbusLink, count: Int, length: Duration) async throws -> Tally {
        _ = try await link.readRegisters(.holding, unit: 1, address: 10, count: count)  // connect outside the window
        var tally = Tally()
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + length
        while clock.now < deadline {
            do {
                _ = try await link.readRegisters(.holding, unit: 1, address: 10, count: count)
                tally.transactions += 1
            } catch {
                tally.failures += 1
            }
        }
        tally.seconds = (clock.now - start).secondsValue
        await link.close()
        return tally
    }

    private func referenceLoop(_ path: String, _ endpoint: TCPEndpoint, count: Int, length: Duration) async throws
        -> Tally
    {
        let arguments = [endpoint.host, String(endpoint.port), "1", "10", String(count), String(length.secondsValue)]
        let (status, output) = try await ChildProcess.run(path, arguments, timeout: length + .seconds(10))
        let words = output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard status == 0, words.count >= 6, let transactions = Int(words[1]), let seconds = Double(words[3]),
            let failures = Int(words[5])
        else {
            throw BenchFailure("modbus-loop-reference failed (\(status)): \(output)")
        }
        return Tally(transactions: transactions, seconds: seconds, failures: failures)
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
