import ArgumentParser
import Foundation
import GatewayCore
import Glibc
import Hummingbird
import Logging
import Outbox
import Receiver
import TestSupport
import Uplink

/// `log`: the durable log (SQLite WAL, synchronous=FULL: every commit waits for fsync).
///
/// - appends/s, one reading per commit and 100 per commit (as the poller stores one device's
///   readout), beside the raw `write + fdatasync` rate of the same directory;
/// - backlog drain: readings queued during an outage (timestamps an hour old) forwarded to an
///   in-process `chemgate receive` server, records/s, beside ingest rates of the scale scenario;
/// - alarm latency: with 1,000,000 readings queued and the forwarder draining them, the time from
///   appending an alarm event to the receiver having stored it.
struct LogScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Durable appends/s, backlog drain vs ingest (target ≥ 20×), alarm latency with 1M queued (< 1 s)."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "Readings queued before the alarm (default 1,000,000; 20,000 with --quick).")
    var queued: Int?

    @Option(help: "The uplink's batch_records (as chemgate run's default site of the scale scenario).")
    var batchRecords = 5000

    private static let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    func run() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await appends(in: directory)
        try await drainAndAlarm(in: directory)
    }

    // MARK: - Appends

    private func appends(in directory: URL) async throws {
        let fsyncs = try Self.rawFsyncRate(in: directory, for: options.window / 2)
        let log = try DurableLog(
            path: directory.appendingPathComponent("appends.sqlite").path,
            options: LogOptions(synchronous: .full, destinations: ["park"])
        )
        for size in [1, 100] {
            let clock = ContinuousClock()
            let start = clock.now
            var commits = 0
            var sequence = 0
            while clock.now - start < options.window / 2 {
                try await log.append(BenchReadings.make(size, from: sequence, age: .zero))
                commits += 1
                sequence += size
            }
            let seconds = (clock.now - start).secondsValue
            Figure(
                scenario: "log append \(size)/commit",
                label: "chemgate",
                value: Double(commits) / seconds,
                unit: "commits/s",
                referenceLabel: "write+fdatasync",
                reference: fsyncs,
                note: "\(Figure.format(Double(sequence) / seconds)) readings/s, synchronous=FULL"
            ).print()
        }
        try log.close()
    }

    /// How many `write(4 KiB) + fdatasync` a second the directory's file system does.
    private static func rawFsyncRate(in directory: URL, for length: Duration) throws -> Double {
        let path = directory.appendingPathComponent("fsync.probe").path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw BenchFailure("cannot create \(path)") }
        defer {
            close(descriptor)
            unlink(path)
        }
        let page = [UInt8](repeating: 0x5A, count: 4096)
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        while clock.now - start < length {
            _ = page.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, 4096, off_t(4096 * (count % 256))) }
            fdatasync(descriptor)
            count += 1
        }
        return Double(count) / (clock.now - start).secondsValue
    }

    // MARK: - Drain and alarm latency

    private func drainAndAlarm(in directory: URL) async throws {
        let backlog = queued ?? (options.quick ? 20_000 : 1_000_000)
        let log = try await BenchReadings.backlog(of: backlog, in: directory)
        let clock = ContinuousClock()

        let port = try Tools.freePort()
        let receiver = try ReceiverApp(
            options: ReceiverOptions(
                port: port,
                databasePath: directory.appendingPathComponent("receiver.sqlite").path
            ),
            logger: Self.quiet
        )
        let application = try receiver.makeApplication()
        let receiverServer = ServedInBackground(application, logger: Self.quiet)
        defer { receiverServer.stop() }
        try await Task.sleep(for: .milliseconds(500))
        let forwarder = UplinkForwarder(
            settings: .init(
                id: "park",
                url: "http://127.0.0.1:\(port)",
                gateway: "GW-BENCH",
                enterprise: "E-BENCH",
                batchRecords: batchRecords,
                batchDelay: .milliseconds(200),
                heartbeatInterval: .seconds(3600)
            ),
            log: log,
            logger: Self.quiet,
            heartbeat: { nil }
        )
        let drainStart = clock.now
        let forwarding = Task { try await forwarder.run() }
        defer { forwarding.cancel() }

        // Alarm latency: one second into the drain, an alarm is raised.
        try await Task.sleep(for: .seconds(1))
        let raised = GatewayEvent(
            kind: .alarmRaised,
            gateway: "GW-BENCH",
            device: "d0",
            point: "p0",
            level: .highHigh,
            value: .number(99),
            limit: 90,
            timestamp: .now(),
            reason: "benchmark alarm"
        )
        let alarmStart = clock.now
        try await log.append([raised])
        while try await receiver.store.events(gateway: "GW-BENCH").isEmpty {
            guard clock.now - alarmStart < .seconds(60) else { throw BenchFailure("the alarm did not arrive in 60 s") }
            try await Task.sleep(for: .milliseconds(5))
        }
        let latency = (clock.now - alarmStart).secondsValue
        let atAlarm = forwarder.statistics.values.acknowledged
        Figure(
            scenario: "log alarm latency",
            label: "chemgate",
            value: latency * 1000,
            unit: "ms",
            judged: latency,
            target: .below(1, "1 s"),
            note: "\(backlog - atAlarm) of \(backlog) readings still queued when it arrived"
        ).print()

        // Drain: until every queued reading (and the alarm) is acknowledged.
        let deadline = drainStart + .seconds(600)
        while forwarder.statistics.values.acknowledged < backlog + 1 {
            guard clock.now < deadline else { throw BenchFailure("the backlog did not drain in 600 s") }
            try await Task.sleep(for: .milliseconds(20))
        }
        let drain = Double(backlog) / (clock.now - drainStart).secondsValue
        for (name, ingest) in [("10x50@1s", 500.0), ("100x100@1s", 10_000.0)] {
            Figure(
                scenario: "log drain",
                label: "chemgate",
                value: drain,
                unit: "records/s",
                referenceLabel: "ingest \(name)",
                reference: ingest,
                target: .atLeast(20, "20×"),
                note: "\(backlog) readings, batch_records \(batchRecords)"
            ).print()
        }
        forwarding.cancel()
        _ = await forwarding.result
        try log.close()
    }
}
