import Foundation
import GatewayCore
import Logging
import Outbox
import Receiver
import Synchronization
import TestSupport
import Testing
import Uplink
import UplinkPayload

/// Issue #20 item 4 and issue #13 item 2: recovery after an outage, outage log lines, frozen batch
/// ids, 413 splits, heartbeats during backoff, backlog health.
@Suite("Uplink recovery and batch ids")
struct UplinkRecoveryTests {
    /// A log holding `readings` readings of one point, the newest `age` old.
    static func log(
        in directory: URL,
        readings: Int,
        age: Duration = .zero,
        gateway: String = "GW-REC",
        file: String = "log.sqlite"
    ) async throws -> DurableLog {
        let log = try DurableLog(
            path: directory.appendingPathComponent(file).path,
            options: LogOptions(synchronous: .normal, destinations: ["park"], gateway: gateway)
        )
        try await append(readings, to: log, age: age, gateway: gateway)
        return log
    }

    static func append(_ count: Int, to log: DurableLog, age: Duration = .zero, gateway: String = "GW-REC")
        async throws
    {
        let newest = Timestamp.now().milliseconds - Int64(age / .milliseconds(1))
        try await log.append(
            (0..<count).map { index in
                Reading(
                    gateway: gateway,
                    device: "gd-1",
                    point: "gas",
                    value: .number(Double(index)),
                    unit: "%LEL",
                    quality: .good,
                    timestamp: Timestamp(milliseconds: newest - Int64(count - index))
                )
            }
        )
    }

    static func forwarder(
        to url: String,
        log: DurableLog,
        gateway: String = "GW-REC",
        heartbeat: Duration = .seconds(60),
        backlogMaxAge: Duration = .seconds(60),
        logger: Logger = quietLogger
    ) -> UplinkForwarder {
        UplinkForwarder(
            settings: .init(
                id: "park",
                url: url,
                gateway: gateway,
                enterprise: "E-REC",
                heartbeatInterval: heartbeat,
                gzip: false,
                timeout: .seconds(10),
                backlogMaxAge: backlogMaxAge
            ),
            log: log,
            logger: logger,
            heartbeat: {
                HeartbeatPayload(
                    gateway: gateway,
                    enterprise: "E-REC",
                    logID: log.logID,
                    time: .now(),
                    uptimeSeconds: 1,
                    configHash: "sha256:" + String(repeating: "0", count: 64),
                    devices: .init(ok: 1, demoted: 0, maintenance: 0),
                    outbox: .init(depth: 0, oldestUnacknowledged: nil, drops: .init(sizeCapUnacknowledged: 0)),
                    clock: .init(synchronized: true, offsetMilliseconds: nil)
                )
            }
        )
    }

    static func waitFor(_ timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    @Test func theFirstBatchGoesWithinASecondOfThePlatformsReturnAndTheOutageIsLoggedOnce() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try Tools.freePort()
        let log = try await Self.log(in: directory, readings: 20)
        let lines = CapturedLines()
        let forwarder = Self.forwarder(
            to: "http://127.0.0.1:\(port)",
            log: log,
            logger: Logger(label: "test") { _ in lines.handler }
        )
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        // The platform is down (connection refused) for 8 s; readings keep arriving.
        try await Task.sleep(for: .seconds(8))
        try await Self.append(5, to: log)
        let platform = try await RecordingPlatform(port: port)
        defer { platform.stop() }
        let back = ContinuousClock.now
        #expect(try await Self.waitFor(.seconds(5)) { !platform.accepted.isEmpty })
        let first = try #require(platform.accepted.first)
        #expect(first.at - back <= .seconds(1), "first delivery \(first.at - back) after the platform returned")
        #expect(try await Self.waitFor(.seconds(5)) { try await log.pending(for: "park").records == 0 })
        #expect(try await Self.waitFor(.seconds(2)) { lines.matching("platform reachable again").count == 1 })
        let started = lines.matching("platform not accepting batches")
        #expect(started.count == 1, "\(lines.all)")
        let ended = try #require(lines.matching("platform reachable again").first)
        #expect(ended.contains("outage="), "\(ended)")
        #expect(ended.contains("backlog="), "\(ended)")
    }

    @Test func aRetryAfterA503SendsExactlyTheSameBatch() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try await Self.log(in: directory, readings: 5)
        let until = ContinuousClock.now + .milliseconds(2500)
        let platform = try await RecordingPlatform { _ in ContinuousClock.now < until ? 503 : 200 }
        defer { platform.stop() }
        let forwarder = Self.forwarder(to: platform.url, log: log)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        #expect(try await Self.waitFor(.seconds(3)) { !platform.batches.isEmpty })
        try await Self.append(5, to: log)  // arrives during the outage
        #expect(try await Self.waitFor(.seconds(10)) { try await log.pending(for: "park").records == 0 })
        var contents: [String: Set<String>] = [:]
        for seen in platform.batches { contents[seen.batch.batchID, default: []].insert(seen.content) }
        #expect(contents.values.allSatisfy { $0.count == 1 }, "one content per batch id: \(contents)")
        // The refused batch went again, unchanged, and no sequence number travelled under two ids.
        let refused = try #require(platform.batches.first)
        #expect(platform.accepted.first?.batch.batchID == refused.batch.batchID)
        var owner: [UInt64: String] = [:]
        for seen in platform.batches {
            for record in seen.batch.records {
                #expect(owner[record.sequence, default: seen.batch.batchID] == seen.batch.batchID)
                owner[record.sequence] = seen.batch.batchID
            }
        }
        #expect(refused.batch.batchID.hasPrefix("GW-REC-park-"))
    }

    @Test func a413SplitsTheBatchInsteadOfDeadLettering() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try await Self.log(in: directory, readings: 8)
        let platform = try await RecordingPlatform { $0.records.count > 2 ? 413 : 200 }
        defer { platform.stop() }
        let forwarder = Self.forwarder(to: platform.url, log: log)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        #expect(try await Self.waitFor(.seconds(10)) { try await log.pending(for: "park").records == 0 })
        #expect(try await log.deadLetters(destination: "park").isEmpty)
        #expect(platform.batches.filter { $0.status == 413 }.map(\.batch.records.count) == [8, 4, 4])
        let delivered = platform.accepted.flatMap { $0.batch.records.map(\.sequence) }
        #expect(delivered == Array(1...8))
    }

    @Test func heartbeatsKeepTheirPeriodWhileTheDataLaneBacksOff() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try await Self.log(in: directory, readings: 5)
        let platform = try await RecordingPlatform { _ in 500 }
        defer { platform.stop() }
        let forwarder = Self.forwarder(to: platform.url, log: log, heartbeat: .milliseconds(200))
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        try await Task.sleep(for: .seconds(3))
        // 500s back off 1 s, 2 s, …: the heartbeats go on every 200 ms regardless.
        #expect(platform.batches.count <= 3)
        #expect(platform.heartbeats >= 11, "\(platform.heartbeats) heartbeats in 3 s")
    }

    @Test func twoGatewaysWithTheSameUplinkIDNeverCollide() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Two gateways installed from one image: the same log_id, the same uplink id, the same numbers.
        try DurableLog(
            path: directory.appendingPathComponent("a.sqlite").path,
            options: LogOptions(gateway: "GW-A")
        ).close()
        try FileManager.default.copyItem(
            at: directory.appendingPathComponent("a.sqlite"),
            to: directory.appendingPathComponent("b.sqlite")
        )
        let a = try await Self.log(in: directory, readings: 3, gateway: "GW-A", file: "a.sqlite")
        let b = try await Self.log(in: directory, readings: 3, gateway: "GW-B", file: "b.sqlite")
        #expect(a.logID == b.logID)
        let receiver = try await LocalReceiver.start(in: directory)
        defer { receiver.stop() }
        let tasks = [
            Task { try await Self.forwarder(to: receiver.url, log: a, gateway: "GW-A").run() },
            Task { try await Self.forwarder(to: receiver.url, log: b, gateway: "GW-B").run() },
        ]
        defer { for task in tasks { task.cancel() } }
        let drained = try await Self.waitFor(.seconds(10)) {
            let pendingA = try await a.pending(for: "park").records
            let pendingB = try await b.pending(for: "park").records
            return pendingA == 0 && pendingB == 0
        }
        #expect(drained)
        #expect(try await a.deadLetters(destination: "park").isEmpty)
        #expect(try await b.deadLetters(destination: "park").isEmpty)
        let counts = try await receiver.app.store.counts()
        #expect(counts.records == 6)
        #expect(counts.rejected == 0)
    }

    @Test func anOldBacklogIsAProblemNamingItsFigures() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try await Self.log(in: directory, readings: 10, age: .seconds(30))
        let platform = try await RecordingPlatform { _ in 500 }
        defer { platform.stop() }
        let forwarder = Self.forwarder(to: platform.url, log: log, backlogMaxAge: .seconds(20))
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        #expect(try await Self.waitFor(.seconds(5)) { forwarder.statistics.values.backlogProblem != nil })
        let problem = try #require(forwarder.statistics.values.backlogProblem)
        #expect(problem.contains("10 records waiting"), "\(problem)")
        #expect(problem.contains("backlog_max_age 20 s"), "\(problem)")
        let pending = try await log.pending(for: "park")
        #expect(forwarder.backlogProblem(records: pending.records, oldest: pending.oldestUnacknowledged) != nil)
        #expect(forwarder.backlogProblem(records: pending.records, oldest: .now()) == nil)
    }

    @Test func aGrowingBacklogIsAProblemOnceItGrewLongerThanTheThreshold() {
        var trend = BacklogTrend(maxAge: .seconds(3600), maxGrowth: .seconds(60))
        for second in stride(from: 0, through: 90, by: 5) {
            trend.observe(records: 100 + second * 10, oldest: .now(), at: .seconds(second))
        }
        #expect(trend.trend == "rising")
        #expect(trend.growingFor == .seconds(90))
        let problem = trend.problem(uplink: "park", now: .now())
        #expect(problem?.contains("has grown for") == true)
        trend.observe(records: 50, oldest: .now(), at: .seconds(95))
        #expect(trend.trend == "falling")
        #expect(trend.problem(uplink: "park", now: .now()) == nil)
    }
}

/// Log lines kept in memory, rendered as `message key=value …`.
final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func matching(_ text: String) -> [String] { all.filter { $0.contains(text) } }

    var handler: Handler { Handler(lines: self) }

    func add(_ line: String) { lines.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let lines: CapturedLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.add(([event.level.rawValue, "\(event.message)"] + fields).joined(separator: " "))
        }
    }
}
