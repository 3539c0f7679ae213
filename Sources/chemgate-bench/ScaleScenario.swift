import ArgumentParser
import Foundation
import GatewayCore
import Logging
import Modbus
import Receiver
import Simulator
import TestSupport

/// `scale`: the real gateway (`chemgate run`, child process) polling D devices × T points at period
/// P from in-process simulators (100 units per TCP port, every value changing at every read),
/// through decode → durable log → HTTP uplink → `chemgate receive` (child process).
///
/// Over a steady window after a warm-up: values polled and decoded per second (simulator requests ×
/// T), records delivered per second (receiver's `/counts`), the gateway's CPU seconds (utime +
/// stime) per 1,000 values and per second, and its peak RSS (VmHWM). References: the configured
/// rate D·T/P, and Neuron's published 10,000 points @1 s in 3% of four cores (0.12 core) and 199 MB.
struct ScaleScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "D devices × T points @ P through the whole gateway: values/s, CPU per 1,000 values, peak RSS."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "DxT@P, repeatable (default 10x50@1s, 100x100@1s, 1000x100@1s, 1000x100@100ms).")
    var config: [String] = []

    @Option(help: "Seconds of warm-up before the window.")
    var warmup: Double?

    @Option(help: "The uplink's batch_records.")
    var batchRecords = 5000

    @Option(help: "The uplink's batch_delay (e.g. 50ms); the default when left out.")
    var batchDelay: String?

    func run() async throws {
        let configurations = try (config.isEmpty ? ScaleConfiguration.standard : config).map {
            try ScaleConfiguration(parsing: $0)
        }
        for configuration in configurations {
            try await measure(configuration)
        }
    }

    private func measure(_ configuration: ScaleConfiguration) async throws {
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let units = UInt8(min(configuration.devices, ScaleConfiguration.devicesPerLink))
        let simulator = Simulator(units: Array(1...units), changesEveryRead: true)
        let servers = try (0..<configuration.links).map { _ in
            try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quiet)
        }
        defer { for server in servers { server.stop() } }
        let receiver = try await ReceiverProcess.start(in: directory)
        defer { receiver.child.signal(SIGKILL) }
        let site = try SiteGenerator.write(
            configuration,
            ports: .init(links: servers.map(\.port), status: try Tools.freePort(), receiver: receiver.port),
            batchRecords: batchRecords,
            batchDelay: batchDelay,
            in: directory
        )
        let gateway = try ChildProcess(try Binaries.path("chemgate"), ["run", "--config", site.path])
        defer { gateway.signal(SIGKILL) }
        let meter = ProcessMeter(pid: gateway.pid)
        let receiverMeter = ProcessMeter(pid: receiver.child.pid)
        let bench = ProcessMeter.current

        try await Task.sleep(for: .milliseconds(Int((warmup ?? (options.quick ? 3 : 5)) * 1000)))
        guard gateway.isRunning else { throw BenchFailure("chemgate run exited:\n\(gateway.text)") }
        let before = try await sample(simulator, receiver: receiver, meters: [meter, receiverMeter, bench])
        let windowStart = Timestamp.now()
        try await Task.sleep(for: options.window)
        let after = try await sample(simulator, receiver: receiver, meters: [meter, receiverMeter, bench])
        let seconds = (after.time - before.time).secondsValue
        let peak = meter.peakResidentMegabytes() ?? 0

        let requests = Double(after.requests - before.requests)
        let polled = requests * Double(configuration.points) / Double(configuration.readsPerDevice) / seconds
        let delivered = Double(after.records - before.records) / seconds
        let cpu = zip(after.cpu, before.cpu).map { ($0 - $1) / seconds }
        let perThousand = delivered > 0 ? cpu[0] / delivered * 1000 : .infinity
        let name = "scale \(configuration)"
        let expected = configuration.valuesPerSecond
        Figure(
            scenario: name,
            label: "polled and decoded",
            value: polled,
            unit: "values/s",
            referenceLabel: "configured",
            reference: expected,
            target: .atLeast(0.95, "0.95 (sustained)")
        ).print()
        Figure(
            scenario: name,
            label: "delivered",
            value: delivered,
            unit: "records/s",
            referenceLabel: "configured",
            reference: expected,
            target: .atLeast(0.95, "0.95 (sustained)"),
            note: "receiver total \(after.records)"
        ).print()
        let tenThousandAtOneSecond =
            configuration.devices * configuration.points == 10_000
            && configuration.period == .seconds(1)
        Figure(
            scenario: name,
            label: "gateway CPU",
            value: cpu[0],
            unit: "core",
            referenceLabel: tenThousandAtOneSecond ? "Neuron (3% of 4 cores)" : nil,
            reference: tenThousandAtOneSecond ? 0.12 : nil,
            judged: tenThousandAtOneSecond ? cpu[0] : nil,
            target: tenThousandAtOneSecond ? .below(0.10, "0.10 core") : nil,
            note: "receiver \(Figure.format(cpu[1])) core, simulators and bench \(Figure.format(cpu[2])) core"
        ).print()
        Figure(
            scenario: name,
            label: "gateway CPU",
            value: perThousand,
            unit: "CPU-s per 1,000 values",
            target: nil,
            note: "0.010 is 10% of one core at 10,000 values/s"
        ).print()
        Figure(
            scenario: name,
            label: "gateway peak RSS",
            value: peak,
            unit: "MB",
            referenceLabel: tenThousandAtOneSecond ? "Neuron" : nil,
            reference: tenThousandAtOneSecond ? 199 : nil,
            judged: tenThousandAtOneSecond ? peak : nil,
            target: tenThousandAtOneSecond ? .below(40, "40 MB") : nil
        ).print()
        // Read→platform: the batch's arrival at the receiver minus the record's read time, for the
        // records that arrived in the window.
        let store = try ReceiverStore(path: directory.appendingPathComponent("receiver.sqlite").path)
        let latencies = try await store.latencies(receivedFrom: windowStart)
        for (label, fraction) in [("read→platform latency p50", 0.5), ("read→platform latency p99", 0.99)] {
            guard !latencies.isEmpty else { break }
            let index = min(latencies.count - 1, Int(Double(latencies.count) * fraction))
            Figure(
                scenario: name,
                label: label,
                value: Double(latencies[index]),
                unit: "ms",
                target: nil,
                note: "\(latencies.count) records, batch_records \(batchRecords), batch_delay \(batchDelay ?? "50ms")"
            ).print()
        }
        gateway.signal(SIGTERM)
        _ = try? await gateway.waitForExit(timeout: .seconds(10))
    }

    private struct Sample {
        var time: ContinuousClock.Instant
        var requests: Int
        var records: Int
        var cpu: [Double]
    }

    private func sample(_ simulator: Simulator, receiver: ReceiverProcess, meters: [ProcessMeter]) async throws
        -> Sample
    {
        // The receiver's count takes a while on a large store: everything else is sampled when it returns.
        let records = try await receiver.counts().records
        let requests = simulator.units.reduce(0) { $0 + simulator.requestCount(unit: $1) }
        let cpu = meters.map { $0.cpuSeconds() ?? 0 }
        return Sample(time: ContinuousClock.now, requests: requests, records: records, cpu: cpu)
    }
}
