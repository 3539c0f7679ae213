import ArgumentParser
import Foundation
import Logging
import Modbus
import Simulator
import TestSupport

/// `memory`: static memory per configured point and the one-device gateway.
///
/// - `chemgate run` on generated sites of 1,000, 10,000 and 100,000 points (10, 100, 1,000 devices of
///   100 uint16 registers; 100,000 left out with `--quick`) whose devices do not answer (every link's
///   port is closed), uplink to the counting receiver, durable log on: RSS (VmRSS) once it settled
///   (`--settle`, default 5 s); bytes per point is the least-squares slope of RSS over points
///   (target ≤ 1 KB).
/// - a one-device gateway: one simulated device with 10 points answering @1 s, one uplink to the
///   counting receiver, durable log on: peak RSS (VmHWM) over the window (target ≤ 15 MB), and its CPU;
///   beside it the floor of the stack on the same device (``StackFloorRun``).
struct MemoryScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Static memory per configured point (≤ 1 KB) and a one-device gateway's peak RSS (≤ 15 MB)."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "Seconds after start before RSS is read (default 5, 2 with --quick).")
    var settle: Double?

    @Option(help: "Configured points, repeatable, each a multiple of 100 (default 1000, 10000, 100000).")
    var points: [Int] = []

    func run() async throws {
        let sizes = points.isEmpty ? (options.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000]) : points
        guard sizes.allSatisfy({ $0 >= 100 && $0 % 100 == 0 }) else {
            throw BenchFailure("--points: write multiples of 100 (100 points per generated device)")
        }
        let receiver = try await CountingReceiver.start(measuresLatency: false)
        defer { receiver.stop() }
        var samples: [(points: Double, megabytes: Double)] = []
        for size in sizes {
            let megabytes = try await silentSite(points: size, receiver: receiver)
            samples.append((Double(size), megabytes))
            Figure(
                scenario: "memory \(size) points",
                label: "gateway RSS",
                value: megabytes,
                unit: "MB",
                note: "no device answering, settled \(Figure.format(settleSeconds)) s"
            ).print()
        }
        if samples.count >= 2 {
            let slope = Self.slope(samples.map { ($0.points, $0.megabytes * 1_048_576) })
            Figure(
                scenario: "memory per point",
                label: "gateway",
                value: slope,
                unit: "bytes/point",
                judged: slope,
                target: .atMost(1024, "1 KB"),
                note: "least-squares slope of RSS over \(sizes.map(String.init).joined(separator: ", ")) points"
            ).print()
        }
        try await oneDevice(receiver: receiver)
    }

    private var settleSeconds: Double { settle ?? (options.quick ? 2 : 5) }

    /// RSS of a gateway whose `points` configured points never answer.
    private func silentSite(points: Int, receiver: CountingReceiver) async throws -> Double {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = ScaleConfiguration(devices: points / 100, points: 100, period: .seconds(1))
        // Free ports nobody listens on: every connection is refused.
        let closed = try (0..<configuration.links).map { _ in try Tools.freePort() }
        let site = try SiteGenerator.write(
            configuration,
            ports: .init(links: closed, status: try Tools.freePort(), receiver: receiver.port),
            in: directory
        )
        let gateway = try ChildProcess(try Binaries.path("chemgate"), ["run", "--config", site.path])
        defer { gateway.signal(SIGKILL) }
        try await Task.sleep(for: .milliseconds(Int(settleSeconds * 1000)))
        guard gateway.isRunning else { throw BenchFailure("chemgate run exited:\n\(gateway.text)") }
        let megabytes = ProcessMeter(pid: gateway.pid).residentMegabytes() ?? 0
        gateway.signal(SIGTERM)
        _ = try? await gateway.waitForExit(timeout: .seconds(10))
        return megabytes
    }

    /// Peak RSS and CPU of a gateway with one device of 10 points answering.
    private func oneDevice(receiver: CountingReceiver) async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let simulator = Simulator(units: [1], changeFraction: 1)
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quiet)
        defer { server.stop() }
        let site = try SiteGenerator.write(
            ScaleConfiguration(devices: 1, points: 10, period: .seconds(1)),
            ports: .init(links: [server.port], status: try Tools.freePort(), receiver: receiver.port),
            snapshot: "60s",
            in: directory
        )
        let before = receiver.counts.records
        let gateway = try ChildProcess(try Binaries.path("chemgate"), ["run", "--config", site.path])
        defer { gateway.signal(SIGKILL) }
        let meter = ProcessMeter(pid: gateway.pid)
        try await Task.sleep(for: .milliseconds(Int(settleSeconds * 1000)))
        let cpuBefore = meter.cpuSeconds() ?? 0
        let clock = ContinuousClock()
        let start = clock.now
        try await Task.sleep(for: options.window)
        guard gateway.isRunning else { throw BenchFailure("chemgate run exited:\n\(gateway.text)") }
        let core = ((meter.cpuSeconds() ?? 0) - cpuBefore) / (clock.now - start).secondsValue
        let peak = meter.peakResidentMegabytes() ?? 0
        let delivered = receiver.counts.records - before
        gateway.signal(SIGTERM)
        _ = try? await gateway.waitForExit(timeout: .seconds(10))
        // The same device and window for the floor of the stack, after the gateway has stopped.
        let floor = try await StackFloorRun.measure(
            modbusPort: server.port,
            units: 1,
            registers: 10,
            receiver: receiver,
            settle: .milliseconds(Int(settleSeconds * 1000)),
            window: options.window
        )
        Figure(
            scenario: "memory one device",
            label: "gateway peak RSS",
            value: peak,
            unit: "MB",
            referenceLabel: "stack floor",
            reference: floor.peakMegabytes,
            judged: peak,
            target: .atMost(15, "15 MB"),
            note: "1 device × 10 points @1 s answering, durable log, 1 uplink; \(delivered) records delivered"
        ).print()
        Figure(
            scenario: "memory one device",
            label: "stack floor peak RSS",
            value: floor.peakMegabytes,
            unit: "MB",
            judged: floor.peakMegabytes,
            target: .atMost(15, "15 MB"),
            note:
                "stack-floor-reference: the same libraries reading, storing, sending and acknowledging the same values"
        ).print()
        Figure(
            scenario: "memory one device",
            label: "gateway CPU",
            value: core,
            unit: "core",
            referenceLabel: "stack floor",
            reference: floor.core,
            note: "10 values/s; timers, heartbeats and status service included"
        ).print()
    }

    /// The least-squares slope of y over x.
    static func slope(_ points: [(Double, Double)]) -> Double {
        let count = Double(points.count)
        let meanX = points.map { $0.0 }.reduce(0, +) / count
        let meanY = points.map { $0.1 }.reduce(0, +) / count
        let covariance = points.map { ($0.0 - meanX) * ($0.1 - meanY) }.reduce(0, +)
        let variance = points.map { ($0.0 - meanX) * ($0.0 - meanX) }.reduce(0, +)
        return variance > 0 ? covariance / variance : 0
    }
}
