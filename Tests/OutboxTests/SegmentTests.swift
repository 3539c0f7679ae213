import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

/// The log kept in segments: appends roll over into new tables, reads see one log, and the size cap
/// drops the oldest segment as a table, keeping what is not acknowledged.
@Suite struct SegmentTests {
    static func readings(_ range: Range<Int>) -> [Reading] {
        range.map {
            reading(
                device: "gd-\($0 % 7)",
                point: "gas",
                value: .number(Double($0)),
                at: baseTime.milliseconds + Int64($0)
            )
        }
    }

    static func tables(_ log: DurableLog) async throws -> [String] {
        try await log.pool.read { db in try Segments.tables(db) }
    }

    /// Each segment's row count as the catalogue keeps it, and as `COUNT(*)` finds it.
    static func counts(_ log: DurableLog) async throws -> (catalogue: [Int64], counted: [Int64]) {
        try await log.pool.read { db in
            let tables = try Segments.tables(db)
            return (
                try tables.map { try Segments.count(of: $0, db) },
                try tables.map { try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") ?? -1 }
            )
        }
    }

    /// `pending(for:)` counts a gap that starts in the head in the head alone, and any other gap through
    /// the view: both must give what every record of the log says (the count, the earliest time).
    @Test func whatIsPendingIsCountedAndDatedAlikeInTheHeadAndAcrossSegments() async throws {
        try await withTemporaryDirectory { directory in
            let options = LogOptions(synchronous: .normal, destinations: ["park"], segmentRows: 100)
            let log = try DurableLog(path: logPath(in: directory), options: options)
            for start in stride(from: 0, to: 350, by: 50) {
                // Older times later in the log: the earliest pending record is not the first one.
                try await log.append(Array(Self.readings(start..<start + 50).reversed()))
                if start == 100 || start == 300 {
                    try await log.append([alarm(device: "gd-1", point: "gas", at: baseTime.milliseconds - Int64(start))]
                    )
                }
            }
            var all = try await log.records(in: 1...Int64.max)
            #expect(all.count == 352)
            let headFrom = try await log.pool.read { db in try Segments.Extent(db).headFrom }
            #expect(headFrom > 300, "the head holds the last readings only")
            var acknowledged = Set<Int64>()
            var gapsInTheHead = 0
            while true {
                let pending = try await log.pending(for: "park")
                let left = all.filter { !acknowledged.contains($0.sequence) }
                #expect(pending.records == left.count)
                #expect(pending.oldestUnacknowledged == left.map(\.timestamp).min())
                if let first = left.map(\.sequence).min(), first >= headFrom { gapsInTheHead += 1 }
                guard
                    let batch = try await log.nextBatch(
                        for: "park",
                        maxRecords: 45,
                        liveWindow: .seconds(60),
                        now: baseTime
                    )
                else { break }
                try await log.acknowledge(batch, destination: "park")
                acknowledged.formUnion(batch.sequences)
                if all.count == 352 {
                    // An alarm after the first events went: the event lane's backlog starts in the head.
                    try await log.append([alarm(device: "gd-2", point: "gas", at: baseTime.milliseconds - 1_000)])
                    all = try await log.records(in: 1...Int64.max)
                }
            }
            #expect(acknowledged.count == 353)
            #expect(gapsInTheHead >= 1, "a backlog that starts in the head was counted")
            try log.close()
        }
    }

    /// Retention looks for old records in every segment before it deletes: a record with an old time in
    /// the head (a device's backfill) goes, as do old ones in older segments; new ones stay.
    @Test func retentionFindsOldRecordsInAnySegment() async throws {
        try await withTemporaryDirectory { directory in
            let options = LogOptions(
                retention: .seconds(3600),
                synchronous: .normal,
                destinations: ["park"],
                segmentRows: 100
            )
            let log = try DurableLog(path: logPath(in: directory), options: options)
            let now = baseTime.milliseconds + 10 * 3_600_000
            let recent = (0..<250).map {
                reading(device: "gd-\($0 % 7)", point: "gas", value: .number(Double($0)), at: now - Int64($0))
            }
            try await log.append(Array(recent[0..<150]))
            try await log.append(Array(recent[150..<250]))
            let old = reading(device: "gd-1", point: "gas", value: .number(-1), at: now - 2 * 3_600_000)
            try await log.append([old])
            #expect(try await Self.tables(log).count >= 2)
            _ = try await drain(log, destination: "park", now: Timestamp(milliseconds: now))

            let report = try await log.enforceLimits(now: Timestamp(milliseconds: now))
            #expect(report.droppedForRetention == 1, "\(report)")
            let left = try await log.records(in: 1...Int64.max)
            #expect(left.count == 250)
            #expect(!left.contains { $0.reading?.value == .number(-1) })
            // Nothing old left: the next pass deletes nothing and counts nothing kept.
            let again = try await log.enforceLimits(now: Timestamp(milliseconds: now))
            #expect(again.droppedForRetention == 0 && again.keptPastRetention == 0)
            try log.close()
        }
    }

    @Test func appendsRollOverIntoNewSegmentsAndAreReadAsOneLog() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(synchronous: .normal, destinations: ["park"], segmentRows: 100)
            var log = try DurableLog(path: path, options: options)
            for start in stride(from: 0, to: 1_000, by: 50) {
                try await log.append(Self.readings(start..<start + 50))
                if start % 300 == 0 {
                    try await log.append([alarm(device: "gd-1", point: "gas", at: baseTime.milliseconds + Int64(start))]
                    )
                }
            }
            let tables = try await Self.tables(log)
            #expect(tables.count >= 9, "\(tables)")
            #expect(tables.last == Segments.head)
            #expect(tables.dropLast() == (1..<tables.count).map { "record_\($0)" })

            let stored = try await log.records(in: 1...Int64.max)
            #expect(stored.map(\.sequence) == Array(1...1_004))
            #expect(stored.compactMap(\.reading).map(\.value) == Self.readings(0..<1_000).map(\.value))
            let history = try await log.history(
                device: "gd-3",
                point: "gas",
                from: baseTime,
                to: Timestamp(milliseconds: baseTime.milliseconds + 1_000),
                limit: 1_000
            )
            let expected = Self.readings(0..<1_000).filter { $0.device == "gd-3" }
            #expect(history.compactMap(\.reading).map(\.value) == expected.map(\.value))
            #expect(try await log.pending(for: "park").records == 1_004)

            let sent = try await drain(log, destination: "park")
            #expect(sent.sorted() == Array(1...1_004))
            #expect(try await log.pending(for: "park").records == 0)

            try log.close()
            log = try DurableLog(path: path, options: options)
            #expect(try await log.append(Self.readings(0..<3)) == 1_005...1_007)
            try log.close()
        }
    }

    @Test func theSizeCapDropsTheOldestSegmentsWholeWritingLittleWAL() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(
                maxBytes: 8 << 20,
                synchronous: .normal,
                destinations: ["park"],
                segmentRows: 10_000
            )
            let log = try DurableLog(path: path, options: options)
            defer { try? log.close() }
            for start in stride(from: 0, to: 40_000, by: 2_000) {
                try await log.append(Self.readings(start..<start + 2_000))
            }
            try await drain(log, destination: "park")
            #expect(try await Self.tables(log) == ["record_1", "record_2", "record_3", "record_4", Segments.head])

            // One segment of 10,000 rows (about 1.5 MB with its indexes) dropped: the WAL it writes is the
            // free list and pointer map, not the rows. Deleting them row by row writes megabytes.
            try await log.checkpoint()
            let dropped = try await log.dropOldestSegment()
            #expect(dropped == 10_000)
            let wal = DurableLog.fileBytes(path + "-wal")
            #expect(wal < 400_000, "the drop wrote \(wal) bytes of WAL")
            #expect(try await Self.tables(log) == ["record_2", "record_3", "record_4", Segments.head])
            #expect(try await log.records(in: 1...10_000).isEmpty)
            #expect(try await log.records(in: 10_001...10_003).map(\.sequence) == [10_001, 10_002, 10_003])

            // The cap: the oldest segments go whole until the rows fit a tenth under it.
            // Segments of 1.2 MB, the database 4.9 MB: down to 1.8 MB, two more segments.
            let report = try await log.applySizeCap(2 << 20)
            #expect(report.droppedAcknowledged == 20_000)
            #expect(report.droppedUnacknowledged == 0)
            // The 2.9 MB over the cap handed back to the file system a few pages at a time, the WAL
            // checkpointed after each: within its limit throughout.
            #expect(try await log.bytesOnDisk <= 2 << 20)
            #expect(report.largestWAL > 0)
            #expect(report.largestWAL <= log.walLimit, "the WAL reached \(report.largestWAL) bytes")
            #expect(try await Self.tables(log) == ["record_4", Segments.head])
            #expect(try await log.dropCounts()[DropReason.sizeCapAcknowledged.rawValue] == 30_000)
            let counts = try await Self.counts(log)
            #expect(counts.catalogue == counts.counted)
            #expect(counts.counted == [10_000, 0])
            #expect(try await log.records(in: 1...Int64.max).first?.sequence == 30_001)
            #expect(try await log.append(Self.readings(0..<1)) == 40_001...40_001)
        }
    }

    @Test func whatIsNotAcknowledgedInADroppedSegmentStaysAndIsDeliveredLater() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(synchronous: .normal, destinations: ["park"], segmentRows: 1_000)
            let log = try DurableLog(path: path, options: options)
            defer { try? log.close() }
            for start in stride(from: 0, to: 3_000, by: 100) {
                try await log.append(Self.readings(start..<start + 100))
            }
            let before = try await log.records(in: 1...200)
            // Sequences 1–100 in flight, 101–200 dead-lettered, the rest acknowledged.
            let inFlight = try #require(
                try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(60), now: baseTime)
            )
            #expect(inFlight.sequences == Array(1...100))
            let refused = try #require(
                try await log.nextBatch(
                    for: "park",
                    maxRecords: 100,
                    liveWindow: .seconds(60),
                    now: baseTime,
                    excluding: [inFlight.batchID]
                )
            )
            #expect(refused.sequences == Array(101...200))
            try await log.deadLetter(refused, destination: "park", reason: "HTTP 422")
            while let batch = try await log.nextBatch(
                for: "park",
                maxRecords: 500,
                liveWindow: .seconds(60),
                now: baseTime,
                excluding: [inFlight.batchID]
            ) {
                try await log.acknowledge(batch, destination: "park")
            }

            #expect(try await log.dropOldestSegment() == 800)
            #expect(try await Self.tables(log) == ["record_2", "record_3", Segments.head])
            #expect(try await log.records(in: 1...1_000) == before)
            #expect(try await log.deadLetters(destination: "park").first?.sequences == Array(101...200))
            // The batch in flight is still the same batch, and its acknowledgement clears it.
            #expect(
                try await log.nextBatch(for: "park", maxRecords: 100, liveWindow: .seconds(60), now: baseTime)
                    == inFlight
            )
            try await log.acknowledge(inFlight, destination: "park")
            #expect(try await log.pending(for: "park").records == 0)
            // The head they were copied into becomes a segment and is dropped in turn: the dead letter's
            // records are copied again, the acknowledged ones go.
            try await log.append(Self.readings(3_000..<4_000))
            try await drain(log, destination: "park")
            #expect(try await Self.tables(log) == ["record_2", "record_3", "record_4", Segments.head])
            #expect(try await log.dropOldestSegment() == 1_000)
            #expect(try await log.dropOldestSegment() == 1_000)
            #expect(try await log.dropOldestSegment() == 1_100)
            #expect(try await Self.tables(log) == [Segments.head])
            #expect(try await log.records(in: 1...Int64.max).map(\.sequence) == Array(101...200))
            #expect(try await log.records(in: 101...200) == Array(before[100...]))
            let counts = try await Self.counts(log)
            #expect(counts.catalogue == counts.counted)
            #expect(counts.counted == [100])
        }
    }

    @Test func aSegmentMostlyNotAcknowledgedIsNotDroppedWhole() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(synchronous: .normal, destinations: ["park", "province"], segmentRows: 1_000)
            let log = try DurableLog(path: path, options: options)
            defer { try? log.close() }
            for start in stride(from: 0, to: 2_000, by: 100) {
                try await log.append(Self.readings(start..<start + 100))
            }
            try await drain(log, destination: "park")
            #expect(try await log.dropOldestSegment() == nil)
            #expect(try await Self.tables(log) == ["record_1", "record_2", Segments.head])
            #expect(try await log.records(in: 1...Int64.max).count == 2_000)
            // province acknowledges all but 300 of the first segment: still too many to copy.
            let all = try await log.records(in: 1...2_000)
            try await log.acknowledge(
                Batch(destination: "province", records: all.filter { $0.sequence > 300 }),
                destination: "province"
            )
            #expect(try await log.dropOldestSegment() == nil)
            // 200 of them: copied, and the segment dropped.
            try await log.acknowledge(
                Batch(destination: "province", records: all.filter { $0.sequence > 200 }),
                destination: "province"
            )
            #expect(try await log.dropOldestSegment() == 800)
            #expect(try await log.records(in: 1...1_000).map(\.sequence) == Array(1...200))
            #expect(try await log.pending(for: "province").records == 200)
            let counts = try await Self.counts(log)
            #expect(counts.catalogue == counts.counted)
            #expect(counts.counted == [1_000, 200])
        }
    }

    /// A log from before segments, whose size cap had deleted rows here and there: one segment whose
    /// row count is right, continuing its sequence.
    @Test func aLogFromBeforeSegmentsBecomesOneSegmentWithItsRowsCounted() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            do {
                let log = try DurableLog(path: path, options: LogOptions(synchronous: .normal))
                try await log.append(Self.readings(0..<100))
                try log.close()
            }
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try unsegment(db)
                try db.execute(sql: "DELETE FROM record WHERE sequence <= 10 OR sequence % 7 = 0")
            }
            try queue.close()

            let log = try DurableLog(path: path, options: LogOptions(synchronous: .normal, segmentRows: 50))
            defer { try? log.close() }
            let counts = try await Self.counts(log)
            #expect(counts.catalogue == counts.counted)
            #expect(counts.counted == [77])
            #expect(try await log.append(Self.readings(100..<101)) == 101...101)
            #expect(try await Self.tables(log) == ["record_1", Segments.head])
            #expect(try await log.records(in: 1...Int64.max).count == 78)
        }
    }
}
