import Foundation
import GatewayCore
import Outbox
import Synchronization
import TestSupport
import Testing
import Uplink
import UplinkPayload

/// Issue #19: an HTTP uplink keeps several batches in flight without breaking each point's order or the
/// batch-id rules, and waits for appends instead of querying the log while nothing is pending.
@Suite("Uplink batches in flight")
struct InFlightTests {
    static func log(in directory: URL) throws -> DurableLog {
        try DurableLog(
            path: directory.appendingPathComponent("log.sqlite").path,
            options: LogOptions(synchronous: .normal, destinations: ["park"], gateway: "GW-FL")
        )
    }

    /// `rounds` readings of each of `points` points, interleaved (round 0 of every point, then round 1…).
    static func append(
        points: Int,
        rounds: Int,
        to log: DurableLog,
        round first: Int = 0,
        firstPoint: Int = 0
    ) async throws {
        let now = Timestamp.now().milliseconds
        var readings: [Reading] = []
        for round in first..<(first + rounds) {
            for point in firstPoint..<(firstPoint + points) {
                readings.append(
                    Reading(
                        gateway: "GW-FL",
                        device: "gd-\(point % 3)",
                        point: "p\(point)",
                        value: .number(Double(round)),
                        unit: "%LEL",
                        quality: .good,
                        timestamp: Timestamp(milliseconds: now - 1000 + Int64(round))
                    )
                )
            }
        }
        try await log.append(readings)
    }

    static func forwarder(to url: String, log: DurableLog, batchRecords: Int, inFlight: Int = 4) -> UplinkForwarder {
        var settings = UplinkForwarder.Settings(
            id: "park",
            url: url,
            gateway: "GW-FL",
            enterprise: "E-FL",
            batchRecords: batchRecords,
            heartbeatInterval: .seconds(60),
            gzip: false
        )
        settings.inFlight = inFlight
        return UplinkForwarder(settings: settings, log: log, logger: quietLogger) { nil }
    }

    static func waitFor(_ timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// Every point's records, in the order the platform accepted them, have increasing sequence numbers,
    /// and every record of the log was accepted.
    static func checkOrder(_ platform: RecordingPlatform, expected: Int) {
        var last: [String: UInt64] = [:]
        var seen = Set<UInt64>()
        for batch in platform.accepted {
            for record in batch.batch.records {
                let point = record.device + "/" + record.point
                if let previous = last[point], !seen.contains(record.sequence) {
                    #expect(previous < record.sequence, "\(point): seq \(record.sequence) accepted after \(previous)")
                }
                if !seen.contains(record.sequence) { last[point] = record.sequence }
                seen.insert(record.sequence)
            }
        }
        #expect(seen.count == expected, "accepted \(seen.count) distinct records of \(expected)")
        // A batch id is only ever sent with one content.
        var contents: [String: String] = [:]
        for seen in platform.batches {
            let id = seen.batch.batchID
            if let content = contents[id] { #expect(content == seen.content, "batch \(id) sent with two contents") }
            contents[id] = seen.content
        }
    }

    @Test func batchesOfOtherPointsOverlapInFlightUpToTheSetting() async throws {
        for inFlight in [4, 2] {
            let directory = try Tools.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let log = try Self.log(in: directory)
            let platform = try await RecordingPlatform(pause: { _ in .milliseconds(500) })
            defer { platform.stop() }
            let forwarder = Self.forwarder(to: platform.url, log: log, batchRecords: 100, inFlight: inFlight)
            let task = Task { try await forwarder.run() }
            defer { task.cancel() }
            // A slow platform (500 ms a batch) and five new points every 60 ms: caught up, small batches overlap.
            for round in 0..<10 {
                try await Self.append(points: 5, rounds: 1, to: log, firstPoint: round * 5)
                try await Task.sleep(for: .milliseconds(60))
            }
            #expect(try await Self.waitFor(.seconds(8)) { try await log.pending(for: "park").records == 0 })
            #expect(platform.mostConcurrent == inFlight, "at most \(platform.mostConcurrent) batches at once")
            Self.checkOrder(platform, expected: 50)
        }
    }

    @Test func aFailedFirstBatchAndAnAcceptedLaterOneKeepEachPointsOrder() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try Self.log(in: directory)
        let state = AttemptState()
        // The first batch is slow and refused (503, Retry-After 1) the first time; the others are accepted.
        let platform = try await RecordingPlatform(
            decide: { batch in
                let id = state.first.withLock { id in
                    if id == nil { id = batch.batchID }
                    return id
                }
                let attempt = state.tries.withLock { tries in
                    tries[batch.batchID, default: 0] += 1
                    return tries[batch.batchID] ?? 0
                }
                return batch.batchID == id && attempt == 1 ? 503 : 200
            },
            pause: { batch in
                // The first request names the first batch (the pause comes before the decision).
                let slow = state.first.withLock { id in
                    if id == nil { id = batch.batchID }
                    return id == batch.batchID
                }
                return slow ? .milliseconds(600) : .milliseconds(50)
            }
        )
        defer { platform.stop() }
        let forwarder = Self.forwarder(to: platform.url, log: log, batchRecords: 100)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        // p0…p4 first (the first batch), then every 100 ms a reading of each of p0…p9, while it is in flight.
        try await Self.append(points: 5, rounds: 1, to: log)
        for round in 1...4 {
            try await Task.sleep(for: .milliseconds(100))
            try await Self.append(points: 10, rounds: 1, to: log, round: round)
        }
        #expect(try await Self.waitFor(.seconds(8)) { try await log.pending(for: "park").records == 0 })
        #expect(platform.mostConcurrent >= 2, "batches must overlap in flight")
        let firstID = try #require(state.first.withLock { $0 })
        let failedAt = try #require(platform.batches.firstIndex { $0.batch.batchID == firstID })
        #expect(
            platform.batches.indices.contains { $0 > failedAt && platform.batches[$0].status == 200 },
            "a later batch was accepted while the first one failed"
        )
        #expect(platform.batches.filter { $0.batch.batchID == firstID }.count == 2, "retried once, same id")
        Self.checkOrder(platform, expected: 45)
    }

    /// The first batch's id and each batch's attempts, as the platform saw them.
    final class AttemptState: Sendable {
        let first = Mutex<String?>(nil)
        let tries = Mutex<[String: Int]>([:])
    }

    @Test func anIdleUplinkWaitsForAppendsInsteadOfPolling() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = try Self.log(in: directory)
        let platform = try await RecordingPlatform()
        defer { platform.stop() }
        let forwarder = Self.forwarder(to: platform.url, log: log, batchRecords: 5000)
        let task = Task { try await forwarder.run() }
        defer { task.cancel() }
        try await Task.sleep(for: .milliseconds(300))
        let before = forwarder.statistics.values.logReads
        try await Task.sleep(for: .milliseconds(1500))
        let reads = forwarder.statistics.values.logReads - before
        // batch_delay is 50 ms: polling would read the log 30 times; the fallback timer reads it once a second.
        #expect(reads <= 3, "the idle forwarder read the log \(reads) times in 1.5 s")
        // A record still leaves at once: within batch_delay and a round trip, far from the 1 s fallback.
        for round in 0..<3 {
            let appended = ContinuousClock.now
            try await Self.append(points: 1, rounds: 1, to: log, round: round)
            #expect(try await Self.waitFor(.seconds(3)) { platform.accepted.count == round + 1 })
            let delay = try #require(platform.accepted.last).at - appended
            #expect(delay < .milliseconds(300), "record \(round) left \(delay) after its append")
            try await Task.sleep(for: .milliseconds(370))
        }
    }
}
