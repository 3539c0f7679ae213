import ArgumentParser
import Foundation
import GatewayCore
import Logging
import Modbus
import Receiver
import Simulator
import TestSupport

/// `scale`: the real gateway (`chemgate run`, child process) polling D devices × T points at period
/// P from in-process simulators (100 units per TCP port; a fraction F of the values changing at every
/// read, all by default), through decode → durable log → HTTP uplink (its default settings unless
/// told) → `chemgate receive` (child process) or the bench's counting receiver (`--receiver counting`).
///
/// Over a steady window after a warm-up: values polled and decoded per second (simulator requests ×
/// T), records delivered per second (beside the records expected: changed values plus snapshots),
/// the gateway's CPU (core, and µs per delivered value) and peak RSS (VmHWM), and the read→platform
/// latency. References: the configured rate D·T/P, and Neuron's published 10,000 points @1 s in 3% of
/// four cores (0.12 core) and 199 MB. Targets (issue #19): ≤ 10 µs per delivered value everywhere;
/// at 10,000 points @1 s ≤ 0.10 core and ≤ 40 MB; at 100,000 points @1 s ≤ 1 core and ≤ 250 MB;
/// with default uplink settings, latency p50 ≤ 100 ms and p99 ≤ 500 ms. At up to 1,000 values/s
/// with the counting receiver, the floor of the stack (``StackFloorRun``) on the same devices follows;
/// above 1,000 and up to 20,000 values/s, every value changing each second, the floor of the log's
/// own work (``LogFloorRun``) for the same values.
struct ScaleScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "D devices × T points @ P through the whole gateway: values/s, CPU per value, peak RSS, latency."
    )

    @OptionGroup var options: BenchOptions

    @Option(
        help: """
            DxT@P, repeatable (default 10x50@1s, 100x100@1s, 1000x100@1s, 1000x100@100ms; \
            with --quick 10x50@1s and 100x100@1s).
            """
    )
    var config: [String] = []

    @Option(help: "Seconds of warm-up before the window.")
    var warmup: Double?

    @Option(help: "The uplink's batch_records; chemgate's default when left out.")
    var batchRecords: Int?

    @Option(help: "The uplink's batch_delay (e.g. 50ms); chemgate's default when left out.")
    var batchDelay: String?

    @Option(help: "The fraction (0 to 1) of values that change at each poll (default 1: every value).")
    var changeFraction: Double = 1

    @Option(help: "The generated site's polling.snapshot_interval, e.g. 60s (default 1h).")
    var snapshot: String = "1h"

    @Option(help: "stand-in: `chemgate receive` (stores every record); counting: the bench's counting receiver.")
    var receiver: ScaleReceiverKind = .standIn

    func validate() throws {
        guard (0...1).contains(changeFraction) else {
            throw ValidationError("--change-fraction \(changeFraction): write a fraction from 0 to 1, e.g. 0.1")
        }
        guard Self.seconds(of: snapshot) != nil else {
            throw ValidationError("--snapshot '\(snapshot)': write a duration such as 60s, 10m or 1h")
        }
    }

    func run() async throws {
        let standard = options.quick ? ["10x50@1s", "100x100@1s"] : ScaleConfiguration.standard
        let configurations = try (config.isEmpty ? standard : config).map { try ScaleConfiguration(parsing: $0) }
        for configuration in configurations {
            try await measure(configuration)
        }
    }

    /// `60s`, `10m`, `1h`, `500ms` in seconds.
    static func seconds(of text: String) -> Double? {
        for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0), ("d", 86400.0)]
        where text.hasSuffix(suffix) {
            if let value = Double(text.dropLast(suffix.count)), value > 0 { return value * scale }
            return nil
        }
        return nil
    }

    /// The window: with values changing by exception, at least one snapshot interval (up to 2 min), so
    /// that the window holds one snapshot and the expected records are what it delivers (unless
    /// `--seconds` or `--quick` say otherwise).
    private var window: Duration {
        guard changeFraction < 1, options.seconds == nil, !options.quick,
            let interval = Self.seconds(of: snapshot), interval <= 120
        else { return options.window }
        return max(options.window, .milliseconds(Int(interval * 1000)))
    }

    private func measure(_ configuration: ScaleConfiguration) async throws {
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let units = UInt8(min(configuration.devices, ScaleConfiguration.devicesPerLink))
        let simulator = Simulator(units: Array(1...units), changeFraction: changeFraction)
        let servers = try (0..<configuration.links).map { _ in
            try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quiet)
        }
        defer { for server in servers { server.stop() } }
        let platform = try await ScalePlatform.start(receiver, in: directory)
        defer { platform.stop() }
        let site = try SiteGenerator.write(
            configuration,
            ports: .init(links: servers.map(\.port), status: try Tools.freePort(), receiver: platform.port),
            batchRecords: batchRecords,
            batchDelay: batchDelay,
            snapshot: snapshot,
            in: directory
        )
        let gateway = try ChildProcess(try Binaries.path("chemgate"), ["run", "--config", site.path])
        defer { gateway.signal(SIGKILL) }
        let meter = ProcessMeter(pid: gateway.pid)
        let receiverMeter = platform.meter
        let bench = ProcessMeter.current

        try await Task.sleep(for: .milliseconds(Int((warmup ?? (options.quick ? 3 : 5)) * 1000)))
        guard gateway.isRunning else { throw BenchFailure("chemgate run exited:\n\(gateway.text)") }
        let meters = [meter, receiverMeter ?? bench, bench]
        let before = try await sample(simulator, platform: platform, meters: meters)
        let windowStart = Timestamp.now()
        platform.resetLatencies()
        try await Task.sleep(for: window)
        let after = try await sample(simulator, platform: platform, meters: meters)
        let seconds = (after.time - before.time).secondsValue
        let peak = meter.peakResidentMegabytes() ?? 0

        let requests = Double(after.requests - before.requests)
        let polled = requests * Double(configuration.points) / Double(configuration.readsPerDevice) / seconds
        let delivered = Double(after.records - before.records) / seconds
        let cpu = zip(after.cpu, before.cpu).map { ($0 - $1) / seconds }
        let microsecondsPerValue = delivered > 0 ? cpu[0] / delivered * 1e6 : .infinity
        let name = "scale \(configuration)\(changeFraction < 1 ? " F=\(Figure.format(changeFraction))" : "")"
        let configured = configuration.valuesPerSecond
        // Per cycle F of the values change; a snapshot cycle sends the others too.
        let cyclesPerSnapshot = (Self.seconds(of: snapshot) ?? 3600) / configuration.period.secondsValue
        let expected =
            configured * (changeFraction + (1 - changeFraction) / max(1, cyclesPerSnapshot))
        let points = configuration.devices * configuration.points
        let atOneSecond = configuration.period == .seconds(1)
        let cpuTarget: (reference: Double?, referenceLabel: String?, bound: Double)? =
            switch (points, atOneSecond) {
            case (10_000, true): (0.12, "Neuron (3% of 4 cores)", 0.10)
            case (100_000, true): (nil, nil, 1.0)
            default: nil
            }
        let rssTarget: (reference: Double?, bound: Double)? =
            switch (points, atOneSecond) {
            case (10_000, true): (199, 40)
            case (100_000, true): (nil, 250)
            default: nil
            }
        Figure(
            scenario: name,
            label: "polled and decoded",
            value: polled,
            unit: "values/s",
            referenceLabel: "configured",
            reference: configured,
            target: .atLeast(0.95, "0.95 (sustained)")
        ).print()
        Figure(
            scenario: name,
            label: "delivered",
            value: delivered,
            unit: "records/s",
            referenceLabel: "expected",
            reference: expected,
            target: .atLeast(0.95, "0.95 (sustained)"),
            note: "changed values + snapshots every \(snapshot); \(platform.name) total \(after.records)"
        ).print()
        Figure(
            scenario: name,
            label: "gateway CPU",
            value: cpu[0],
            unit: "core",
            referenceLabel: cpuTarget?.referenceLabel,
            reference: cpuTarget?.reference,
            judged: cpuTarget.map { _ in cpu[0] },
            target: cpuTarget.map { .atMost($0.bound, String(format: "%.2f core", $0.bound)) },
            note: receiverMeter == nil
                ? "simulators, counting receiver and bench \(Figure.format(cpu[2])) core"
                : "receiver \(Figure.format(cpu[1])) core, simulators and bench \(Figure.format(cpu[2])) core"
        ).print()
        Figure(
            scenario: name,
            label: "gateway CPU",
            value: microsecondsPerValue,
            unit: "µs per delivered value",
            judged: microsecondsPerValue,
            target: .atMost(10, "10 µs"),
            note: "\(Figure.format(cpu[0] * 1000)) CPU-ms/s over \(Figure.format(delivered)) records/s"
        ).print()
        Figure(
            scenario: name,
            label: "gateway peak RSS",
            value: peak,
            unit: "MB",
            referenceLabel: rssTarget?.reference == nil ? nil : "Neuron",
            reference: rssTarget?.reference,
            judged: rssTarget.map { _ in peak },
            target: rssTarget.map { .atMost($0.bound, "\(Figure.format($0.bound)) MB") }
        ).print()
        // Read→platform: the batch's arrival at the receiver minus the record's read time, for the
        // records that arrived in the window.
        let latencies = try await platform.latencies(receivedFrom: windowStart)
        let defaults = batchRecords == nil && batchDelay == nil
        let settings =
            defaults
            ? "default uplink settings"
            : "batch_records \(batchRecords.map(String.init) ?? "default"), batch_delay \(batchDelay ?? "default")"
        for (label, fraction, bound) in [
            ("read→platform latency p50", 0.5, 100.0), ("read→platform latency p99", 0.99, 500.0),
        ] {
            guard !latencies.isEmpty else { break }
            let index = min(latencies.count - 1, Int(Double(latencies.count) * fraction))
            Figure(
                scenario: name,
                label: label,
                value: Double(latencies[index]),
                unit: "ms",
                judged: defaults ? Double(latencies[index]) : nil,
                target: defaults ? .atMost(bound, "\(Figure.format(bound)) ms with defaults") : nil,
                note: "\(latencies.count) records, \(settings)"
            ).print()
        }
        // Events (alarms, state changes) are timed by the counting receiver only; the generated devices
        // raise none by themselves, so this line appears only when some arrived in the window.
        let eventLatencies = platform.eventLatencies()
        if !eventLatencies.isEmpty {
            let p99 = Double(eventLatencies[min(eventLatencies.count - 1, Int(Double(eventLatencies.count) * 0.99))])
            Figure(
                scenario: name,
                label: "read→platform latency of events p99",
                value: p99,
                unit: "ms",
                judged: defaults ? p99 : nil,
                target: defaults ? .atMost(250, "250 ms with defaults") : nil,
                note: "\(eventLatencies.count) events, \(settings)"
            ).print()
        }
        gateway.signal(SIGTERM)
        _ = try? await gateway.waitForExit(timeout: .seconds(10))
        // A small site (up to 1,000 values/s, every value changing, one read per device), where what
        // every second costs regardless of the values dominates: the floor of the stack on the same
        // devices and window, after the gateway has stopped. At 10,000 values/s its plain per-value
        // code (rows decoded, JSON built as a string) costs about what chemgate's does: no floor there.
        if case .counting(let receiver) = platform, configured <= 1_000, changeFraction == 1, atOneSecond,
            configuration.devices <= ScaleConfiguration.devicesPerLink, configuration.readsPerDevice == 1
        {
            let floor = try await StackFloorRun.measure(
                modbusPort: servers[0].port,
                units: configuration.devices,
                registers: configuration.points,
                receiver: receiver,
                settle: .milliseconds(Int((warmup ?? (options.quick ? 3 : 5)) * 1000)),
                window: window
            )
            Figure(
                scenario: name,
                label: "stack floor CPU",
                value: floor.core,
                unit: "core",
                referenceLabel: "gateway",
                reference: cpu[0],
                note: "\(Figure.format(floor.delivered)) records/s delivered; "
                    + "peak RSS \(Figure.format(floor.peakMegabytes)) MB"
            ).print()
            Figure(
                scenario: name,
                label: "stack floor CPU",
                value: floor.microsecondsPerValue,
                unit: "µs per delivered value",
                referenceLabel: "gateway",
                reference: microsecondsPerValue,
                judged: floor.microsecondsPerValue,
                target: .atMost(10, "10 µs"),
                note: "stack-floor-reference: the same libraries reading, storing, sending and acknowledging the same "
                    + "values, \(Figure.format(floor.core * 1000)) CPU-ms/s over \(Figure.format(floor.delivered)) records/s"
            ).print()
        }
        // Above a small site, every value changing each second: the log's own work for the same values
        // (stored, read back, written as JSON, gzipped, acknowledged) by SQLite and zlib in C, after the
        // gateway has stopped, for as many whole seconds as the window.
        if configured > 1_000, configured <= 20_000, changeFraction == 1, atOneSecond {
            let floor = try await LogFloorRun.measure(
                devices: configuration.devices,
                points: configuration.points,
                seconds: max(1, Int(window.secondsValue.rounded()))
            )
            Figure(
                scenario: name,
                label: "log floor CPU",
                value: floor.core,
                unit: "core",
                referenceLabel: "gateway",
                reference: cpu[0],
                note: "log-floor-reference: SQLite and zlib in C storing \(Figure.format(floor.rowsPerSecond)) "
                    + "readings/s in the log head's schema (fsync'd stores of about 1,000), each store frozen, "
                    + "read back, written as the uplink's JSON, gzipped and acknowledged; no polling, processing "
                    + "or network"
            ).print()
        }
    }

    private struct Sample {
        var time: ContinuousClock.Instant
        var requests: Int
        var records: Int
        var cpu: [Double]
    }

    private func sample(_ simulator: Simulator, platform: ScalePlatform, meters: [ProcessMeter]) async throws
        -> Sample
    {
        // The stand-in's count takes a while on a large store: everything else is sampled when it returns.
        let records = try await platform.records()
        let requests = simulator.units.reduce(0) { $0 + simulator.requestCount(unit: $1) }
        let cpu = meters.map { $0.cpuSeconds() ?? 0 }
        return Sample(time: ContinuousClock.now, requests: requests, records: records, cpu: cpu)
    }
}

/// Which platform the scale scenario's gateway sends to.
enum ScaleReceiverKind: String, ExpressibleByArgument, Sendable {
    case standIn = "stand-in"
    case counting
}

/// The scale scenario's platform: the stand-in `chemgate receive` (child process) or the counting receiver.
enum ScalePlatform {
    case standIn(ReceiverProcess, URL)
    case counting(CountingReceiver)

    static func start(_ kind: ScaleReceiverKind, in directory: URL) async throws -> ScalePlatform {
        switch kind {
        case .standIn: return .standIn(try await ReceiverProcess.start(in: directory), directory)
        case .counting: return .counting(try await CountingReceiver.start(measuresLatency: true))
        }
    }

    var name: String {
        switch self {
        case .standIn: "receiver"
        case .counting: "counting receiver"
        }
    }

    var port: Int {
        switch self {
        case .standIn(let process, _): process.port
        case .counting(let receiver): receiver.port
        }
    }

    /// The receiver's own process, when it has one.
    var meter: ProcessMeter? {
        switch self {
        case .standIn(let process, _): ProcessMeter(pid: process.child.pid)
        case .counting: nil
        }
    }

    func records() async throws -> Int {
        switch self {
        case .standIn(let process, _): try await process.counts().records
        case .counting(let receiver): receiver.counts.records
        }
    }

    func resetLatencies() {
        if case .counting(let receiver) = self { receiver.resetLatencies() }
    }

    /// Read→platform latencies (ms, sorted) of the records received since `start`.
    func latencies(receivedFrom start: Timestamp) async throws -> [Int] {
        switch self {
        case .standIn(_, let directory):
            let store = try ReceiverStore(path: directory.appendingPathComponent("receiver.sqlite").path)
            return try await store.latencies(receivedFrom: start).map(Int.init)
        case .counting(let receiver):
            return receiver.counts.latencies.map(Int.init).sorted()
        }
    }

    /// Event latencies (ms, sorted) since the window began: the counting receiver's; none from the stand-in.
    func eventLatencies() -> [Int] {
        guard case .counting(let receiver) = self else { return [] }
        return receiver.counts.eventLatencies.map(Int.init).sorted()
    }

    func stop() {
        switch self {
        case .standIn(let process, _): process.child.signal(SIGKILL)
        case .counting(let receiver): receiver.stop()
        }
    }
}
