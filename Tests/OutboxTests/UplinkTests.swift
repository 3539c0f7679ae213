import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

@Suite struct UplinkTests {
    @Test func anEventAppendedAfterABacklogGoesFirst() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let old = baseTime.milliseconds - 3_600_000
            try await log.append((0..<1000).map { reading(point: "p\($0 % 10)", at: old + Int64($0)) })
            let eventSequence = try #require(try await log.append([alarm(at: baseTime.milliseconds - 1000)]))

            let batch = try #require(
                try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(batch.records.count == 100)
            #expect(batch.records.first?.sequence == eventSequence.lowerBound)
            #expect(batch.records.first?.lane == .event)
            #expect(batch.records.first?.backfill == false)
            // The rest is backlog, oldest first.
            #expect(batch.records.dropFirst().map(\.sequence) == Array(1...99))
            #expect(batch.records.dropFirst().allSatisfy { $0.backfill && $0.lane == .reading })
        }
    }

    @Test func everyEventGoesBeforeAnyReading() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append([alarm(at: 1)])
            try await log.append([reading(point: "a", at: baseTime.milliseconds)])
            try await log.append([alarm(.alarmCleared, at: 2), alarm(at: 3)])
            let batch = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(batch.records.map(\.sequence) == [1, 3, 4, 2])
            #expect(batch.records.map(\.backfill) == [true, true, true, false])
        }
    }

    @Test func liveReadingsGoBeforeTheBacklog() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let old = baseTime.milliseconds - 3_600_000
            // Backlog: 50 old readings of five points.
            try await log.append((0..<50).map { reading(point: "p\($0 % 5)", at: old + Int64($0)) })
            // Recent: two readings each of p0...p3 within the window; p4 has none.
            let now = baseTime.milliseconds
            try await log.append((0..<4).map { reading(point: "p\($0)", at: now - 20_000) })  // 51...54
            try await log.append((0..<4).map { reading(point: "p\($0)", at: now - 10_000) })  // 55...58
            // p5's newest reading is outside the window: not live.
            try await log.append([reading(point: "p5", at: now - 120_000)])  // 59

            let batch = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(60), now: baseTime)
            )
            // Every reading of the window, in sequence order (each point's in time order), then the backlog;
            // labelled by age alone.
            #expect(batch.records.map(\.sequence) == Array(51...58) + [1, 2])
            #expect(batch.records.map(\.backfill) == Array(repeating: false, count: 8) + [true, true])
            try await log.acknowledge(batch, destination: "park")

            // What remains is backlog, p5's old reading included, in sequence order.
            let rest = try #require(
                try await log.nextBatch(for: "park", maxRecords: 1000, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(rest.records.map(\.sequence) == Array(3...50) + [59])
            #expect(rest.records.allSatisfy { $0.backfill })
        }
    }

    @Test func withoutABacklogReadingsGoInSequenceOrderAndNoneIsBackfill() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            // Ten polls 100 ms apart of three points, none sent yet: no outage, so nothing is backfill.
            for poll in 0..<10 {
                let at = baseTime.milliseconds - 1000 + Int64(poll) * 100
                try await log.append((0..<3).map { reading(point: "p\($0)", at: at) })
            }
            let batch = try #require(
                try await log.nextBatch(for: "park", maxRecords: 12, liveWindow: .seconds(10), now: baseTime)
            )
            #expect(batch.records.map(\.sequence) == Array(1...12))
            #expect(batch.records.allSatisfy { !$0.backfill })
            try await log.acknowledge(batch, destination: "park")
            let rest = try #require(
                try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(10), now: baseTime)
            )
            #expect(rest.records.map(\.sequence) == Array(13...30))
            #expect(rest.records.allSatisfy { !$0.backfill })
        }
    }

    @Test func aRecordIsBackfillByItsAgeAlone() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let now = baseTime.milliseconds
            try await log.append([reading(point: "p", at: now - 11_000), reading(point: "p", at: now - 9_000)])
            let batch = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(10), now: baseTime)
            )
            // The window first (seq 2), then the backlog (seq 1): each point in time order within its label.
            #expect(batch.records.map(\.sequence) == [2, 1])
            #expect(batch.records.map(\.backfill) == [false, true])
        }
    }

    @Test func maxBytesLimitsABatchButNeverStallsIt() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append((0..<20).map { reading(point: "p\($0)", at: 1) })
            let one = try #require(try await log.records(in: 1...1).first).estimatedBytes
            let batch = try #require(
                try await log.nextBatch(
                    for: "park",
                    maxRecords: 20,
                    maxBytes: one * 5 + one / 2,
                    liveWindow: .seconds(1),
                    now: baseTime
                )
            )
            #expect(batch.records.count == 5)
            let tiny = try #require(
                try await log.nextBatch(
                    for: "province",
                    maxRecords: 20,
                    maxBytes: 1,
                    liveWindow: .seconds(1),
                    now: baseTime
                )
            )
            #expect(tiny.records.count == 1)
        }
    }

    @Test func batchIDsAreStableForTheSameContent() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            var log = try DurableLog(path: path)
            try await log.append((0..<30).map { reading(point: "p", at: Int64($0)) })
            try await log.append([alarm(at: 5)])
            let first = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(60), now: baseTime)
            )
            let again = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(first == again)
            #expect(first.batchID.hasPrefix("chemgate-park-1-31-10-"))
            #expect(first.sequences == [1, 2, 3, 4, 5, 6, 7, 8, 9, 31])

            // The same content after a restart has the same id; another destination, another id.
            try log.close()
            log = try DurableLog(path: path)
            let afterRestart = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(afterRestart.batchID == first.batchID)
            let province = try #require(
                try await log.nextBatch(for: "province", maxRecords: 10, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(province.sequences == first.sequences)
            #expect(province.batchID != first.batchID)
            #expect(
                Batch.id(destination: "park", sequences: [1, 2]) != Batch.id(destination: "park", sequences: [1, 3])
            )

            try await log.acknowledge(first, destination: "park")
            let next = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(next.batchID != first.batchID)
            #expect(next.sequences == Array(10...19))
        }
    }

    @Test func acknowledgementIsPerDestinationAndIdempotent() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append((0..<10).map { reading(point: "p", at: 1000 + Int64($0)) })
            let batch = try #require(
                try await log.nextBatch(for: "park", maxRecords: 4, liveWindow: .seconds(60), now: baseTime)
            )
            try await log.acknowledge(batch, destination: "park")
            try await log.acknowledge(batch, destination: "park")

            let park = try await log.pending(for: "park")
            #expect(park.records == 6)
            #expect(park.oldestUnacknowledged == Timestamp(milliseconds: 1004))
            let province = try await log.pending(for: "province")
            #expect(province.records == 10)
            #expect(province.oldestUnacknowledged == Timestamp(milliseconds: 1000))

            let forProvince = try #require(
                try await log.nextBatch(for: "province", maxRecords: 4, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(forProvince.sequences == batch.sequences)
            #expect(try await drain(log, destination: "park") == Array(5...10))
            #expect(try await log.pending(for: "park").records == 0)
            #expect(try await log.pending(for: "park").oldestUnacknowledged == nil)
            #expect(try await log.nextBatch(for: "park", maxRecords: 4, liveWindow: .seconds(60)) == nil)
            #expect(try await log.pending(for: "province").records == 10)
        }
    }

    @Test func outOfOrderAcknowledgementsMergeIntoOneRangePerLane() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            for index in 0..<200 {
                if index % 17 == 0 { try await log.append([alarm(at: Int64(index))]) }
                try await log.append([reading(point: "p\(index % 7)", at: baseTime.milliseconds - Int64(200 - index))])
            }
            let sent = try await drain(log, destination: "park")
            #expect(Set(sent).count == sent.count)
            #expect(sent.count == 212)
            let ranges = try await log.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cursor WHERE destination = 'park'")
            }
            #expect(ranges == 2)
            #expect(try await log.pending(for: "park").records == 0)
        }
    }

    @Test func deadLettersLeaveTheQueueAndComeBackOnRetry() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory), options: LogOptions(retention: .seconds(1)))
            try await log.append([alarm(at: 1)])
            try await log.append((0..<6).map { reading(point: "p", at: 10 + Int64($0)) })
            let refused = try #require(
                try await log.nextBatch(for: "park", maxRecords: 3, liveWindow: .seconds(1), now: baseTime)
            )
            #expect(refused.sequences == [1, 2, 3])
            try await log.deadLetter(refused, destination: "park", reason: "HTTP 422: bad indicator", now: baseTime)
            try await log.deadLetter(refused, destination: "park", reason: "again", now: baseTime)

            let letters = try await log.deadLetters(destination: "park")
            #expect(letters.count == 1)
            #expect(letters.first?.batchID == refused.batchID)
            #expect(letters.first?.reason == "HTTP 422: bad indicator")
            #expect(letters.first?.time == baseTime)
            #expect(letters.first?.sequences == [1, 2, 3])
            #expect(try await log.deadLetters(destination: "province").isEmpty)

            // The queue moves on past them…
            #expect(try await log.pending(for: "park").records == 4)
            let next = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(1), now: baseTime)
            )
            #expect(next.sequences == [4, 5, 6, 7])
            try await log.acknowledge(next, destination: "park")

            // …but a dead letter is not an acknowledgement: retention keeps it.
            let report = try await log.enforceLimits(now: baseTime)
            #expect(report.droppedForRetention == 4)
            #expect(report.keptPastRetention == 3)
            #expect(try await log.records(in: 1...10).map(\.sequence) == [1, 2, 3])

            #expect(try await log.retryDeadLetters(destination: "park") == 3)
            #expect(try await log.deadLetters(destination: "park").isEmpty)
            let retried = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(1), now: baseTime)
            )
            #expect(retried.sequences == [1, 2, 3])
            #expect(retried.batchID == refused.batchID)
            try await log.acknowledge(retried, destination: "park")
            #expect(try await log.enforceLimits(now: baseTime).droppedForRetention == 3)
        }
    }

    /// Reading a batch registers its destination once (the log remembers it); a destination forgotten
    /// and read again is registered again.
    @Test func aDestinationForgottenAndReadAgainIsRegisteredAgain() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append((0..<3).map { reading(point: "p", at: Int64($0)) })
            #expect(try await log.destinations() == [])
            _ = try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(1), now: baseTime)
            #expect(try await log.destinations() == ["park"])
            try await log.forget(destination: "park")
            #expect(try await log.destinations() == [])
            _ = try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(1), now: baseTime)
            #expect(try await log.destinations() == ["park"])
        }
    }

    @Test func forgettingADestinationStopsRetentionWaitingForIt() async throws {
        try await withTemporaryDirectory { directory in
            let options = LogOptions(retention: .seconds(1), destinations: ["park", "old-platform"])
            let log = try DurableLog(path: logPath(in: directory), options: options)
            #expect(try await log.destinations() == ["old-platform", "park"])
            try await log.append((0..<5).map { reading(point: "p", at: Int64($0)) })
            try await drain(log, destination: "park")
            #expect(try await log.enforceLimits(now: baseTime).keptPastRetention == 5)
            try await log.forget(destination: "old-platform")
            #expect(try await log.destinations() == ["park"])
            #expect(try await log.enforceLimits(now: baseTime).droppedForRetention == 5)
        }
    }
}
