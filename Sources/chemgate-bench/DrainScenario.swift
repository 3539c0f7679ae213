import ArgumentParser
import Foundation
import GatewayCore
import Logging
import Outbox
import TestSupport
import Uplink

/// `drain`: backlog drain, the gateway's side. Readings queued during an outage (an hour old) in a
/// durable log are forwarded by the real `UplinkForwarder` with its **default settings** to
/// `CountingReceiver`, a platform that gunzips, counts and acknowledges without storing.
///
/// - records/s until every queued reading is acknowledged (target ≥ 100,000/s);
/// - alarm latency: an alarm appended one second into the drain, until the counting receiver has
///   a batch holding it (target < 250 ms).
///
/// `log` measures the same drain into the stand-in `chemgate receive` store.
struct DrainScenario: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract:
            "Backlog drain to a counting receiver, default uplink settings: records/s (≥ 100,000), alarm (< 250 ms)."
    )

    @OptionGroup var options: BenchOptions

    @Option(help: "Readings queued before the drain (default 1,000,000; 20,000 with --quick).")
    var queued: Int?

    private static let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    func run() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let backlog = queued ?? (options.quick ? 20_000 : 1_000_000)
        let log = try await BenchReadings.backlog(of: backlog, in: directory)
        let clock = ContinuousClock()

        let receiver = try await CountingReceiver.start(measuresLatency: false)
        defer { receiver.stop() }
        // Default settings: what a site file without batch_records / batch_delay gets.
        let settings = UplinkForwarder.Settings(
            id: "park",
            url: "http://127.0.0.1:\(receiver.port)",
            gateway: "GW-BENCH",
            enterprise: "E-BENCH"
        )
        let forwarder = UplinkForwarder(settings: settings, log: log, logger: Self.quiet, heartbeat: { nil })
        let drainStart = clock.now
        let forwarding = Task { try await forwarder.run() }
        defer { forwarding.cancel() }

        try await Task.sleep(for: options.quick ? .milliseconds(300) : .seconds(1))
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
        var arrival: ContinuousClock.Instant?
        while arrival == nil {
            arrival = receiver.counts.firstEventArrival
            guard clock.now - alarmStart < .seconds(60) else { throw BenchFailure("the alarm did not arrive in 60 s") }
            try await Task.sleep(for: .milliseconds(1))
        }
        let queuedAtAlarm = backlog - min(backlog, receiver.counts.records)
        Figure(
            scenario: "drain alarm latency",
            label: "chemgate",
            value: ((arrival ?? alarmStart) - alarmStart).secondsValue * 1000,
            unit: "ms",
            judged: ((arrival ?? alarmStart) - alarmStart).secondsValue * 1000,
            target: .below(250, "250 ms"),
            note: "\(queuedAtAlarm) of \(backlog) readings still queued when it arrived; counting receiver, defaults"
        ).print()

        let deadline = drainStart + .seconds(900)
        while forwarder.statistics.values.acknowledged < backlog + 1 {
            guard clock.now < deadline else { throw BenchFailure("the backlog did not drain in 900 s") }
            try await Task.sleep(for: .milliseconds(5))
        }
        let seconds = (clock.now - drainStart).secondsValue
        let counts = receiver.counts
        guard counts.records == backlog, counts.events == 1 else {
            throw BenchFailure(
                "the counting receiver saw \(counts.records) records and \(counts.events) events, not \(backlog) and 1"
            )
        }
        Figure(
            scenario: "drain",
            label: "chemgate",
            value: Double(backlog) / seconds,
            unit: "records/s",
            judged: Double(backlog) / seconds,
            target: .atLeast(100_000, "100000 records/s"),
            note: "\(backlog) readings in \(counts.batches) batches, \(Figure.format(seconds)) s; "
                + "counting receiver, default uplink settings"
        ).print()
        forwarding.cancel()
        _ = await forwarding.result
        try log.close()
    }
}

/// Readings of 100 points per device, `age` in the past (the `log` and `drain` backlogs).
enum BenchReadings {
    /// A durable log (`backlog.sqlite` in `directory`) holding `count` readings an hour old, as after an
    /// outage, appended in commits of 10,000.
    static func backlog(of count: Int, in directory: URL) async throws -> DurableLog {
        let log = try DurableLog(
            path: directory.appendingPathComponent("backlog.sqlite").path,
            options: LogOptions(synchronous: .full, destinations: ["park"])
        )
        let clock = ContinuousClock()
        let fillStart = clock.now
        var sequence = 0
        while sequence < count {
            let size = min(10_000, count - sequence)
            try await log.append(make(size, from: sequence, age: .seconds(3600)))
            sequence += size
        }
        progress("queued \(count) readings in \(Figure.format((clock.now - fillStart).secondsValue)) s")
        return log
    }

    static func make(_ count: Int, from first: Int, age: Duration) -> [Reading] {
        let time = Timestamp(milliseconds: Timestamp.now().milliseconds - Int64(age.secondsValue * 1000))
        return (first..<first + count).map { index in
            Reading(
                gateway: "GW-BENCH",
                device: "d\(index / 100 % 1000)",
                point: "p\(index % 100)",
                value: .number(Double(index)),
                quality: .good,
                timestamp: time
            )
        }
    }
}
