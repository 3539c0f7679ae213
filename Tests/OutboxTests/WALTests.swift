import Foundation
import GRDB
import GatewayCore
import Synchronization
import Testing

@testable import Outbox

/// Issue #18, item 5: the WAL cannot grow without bound while the uplink is down.
@Suite struct WALTests {
    static func fileBytes(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// SQLite's default checkpoints the WAL at 1000 pages (4 MB) and never gives the file back: a 1 MB
    /// cap came with a 4.4 MB WAL. Now the WAL is checkpointed at an eighth of the cap (256 KiB at the
    /// least) and cut back to that: 8 MB of appends with nothing acknowledged, the uplink reading a
    /// batch now and then, never take the -wal file over 1 MB.
    @Test func theWALStaysSmallWhileNothingIsAcknowledged() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let log = try DurableLog(
                path: path,
                options: LogOptions(maxBytes: 1_000_000, synchronous: .normal, destinations: ["park"])
            )
            #expect(log.walLimit == 256 << 10)
            var worst = 0
            for batch in 0..<80 {
                try await log.append(
                    (0..<1000).map { reading(point: "p", at: baseTime.milliseconds + Int64(batch * 1000 + $0)) }
                )
                if batch % 10 == 0 {
                    _ = try await log.nextBatch(for: "park", maxRecords: 500, liveWindow: .seconds(1), now: baseTime)
                }
                worst = max(worst, Self.fileBytes(path + "-wal"))
            }
            let database = try await log.bytesOnDisk
            #expect(database > 6_000_000, "only \(database) bytes appended")
            #expect(worst <= 1_000_000, "the WAL reached \(worst) bytes")
            try log.close()
        }
    }

    /// The limit is an eighth of the cap, from 256 KiB to 4 MiB, and the WAL is checkpointed at half of
    /// it: with the default cap, commits of more than 1 MiB (two poll cycles of 10,000 values stored
    /// together are about 2 MB) keep it within its limit, so it never has to be cut back. With 1 MiB
    /// checkpointed at three quarters, every such commit took it over and it was truncated after it.
    @Test func commitsOfMoreThanAMegabyteKeepTheWALWithinItsLimit() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let small = try DurableLog(
                path: directory.appendingPathComponent("small.sqlite").path,
                options: LogOptions(maxBytes: 8_000_000, synchronous: .normal)
            )
            #expect(small.walLimit == 1_000_000)
            try small.close()
            let log = try DurableLog(path: path, options: LogOptions(synchronous: .normal))
            defer { try? log.close() }
            #expect(log.walLimit == 4 << 20)
            var sizes: [Int] = []
            for cycle in 0..<12 {
                try await log.append(
                    (0..<7000).map {
                        reading(
                            device: "d\($0 / 100)",
                            point: "p\($0 % 100)",
                            value: .number(Double(cycle * 7000 + $0)),
                            at: baseTime.milliseconds + Int64(cycle * 1000)
                        )
                    }
                )
                sizes.append(Self.fileBytes(path + "-wal"))
            }
            // The file only grows, up to the largest the WAL has been, unless it is cut back.
            #expect(sizes[0] > 1 << 20, "the first commit took only \(sizes[0]) bytes of WAL")
            #expect(sizes.max()! <= log.walLimit, "the WAL reached \(sizes) bytes")
            #expect(sizes == sizes.sorted(), "the WAL was cut back after going over its limit: \(sizes)")
        }
    }

    /// A read that holds its snapshot keeps SQLite from starting the WAL over, and the appends meanwhile
    /// go on its end, past the limit. The first append after the read ends brings it back within it.
    @Test func theFirstAppendAfterAReadThatHeldTheWALCutsItBack() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let log = try DurableLog(path: path, options: LogOptions(synchronous: .normal))
            defer { try? log.close() }
            try await Self.appendBatch(0, to: log)
            let read = try Self.holdRead(path)
            for batch in 1...6 { try await Self.appendBatch(batch, to: log) }
            let held = WALTests.fileBytes(path + "-wal")
            #expect(held > log.walLimit, "the WAL is \(held) bytes while the read holds it")
            try read.end()
            try read.queue.close()

            try await Self.appendBatch(7, to: log)
            let after = WALTests.fileBytes(path + "-wal")
            #expect(after <= log.walLimit, "the WAL is \(after) bytes after the read ended")
        }
    }

    /// Opens a read on the log's file that holds its snapshot (and with it the WAL) until `end` is
    /// called, as a long read of the uplink or the status page does.
    static func holdRead(_ path: String) throws -> (end: @Sendable () throws -> Void, queue: DatabaseQueue) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.allowsUnsafeTransactions = true
        let reader = try DatabaseQueue(path: path, configuration: configuration)
        try reader.inDatabase { db in
            try db.execute(sql: "BEGIN")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record")
        }
        return ({ try reader.inDatabase { db in try db.execute(sql: "COMMIT") } }, reader)
    }

    /// Appends 10,000 readings of 50 points as batch `batch`.
    static func appendBatch(_ batch: Int, to log: DurableLog) async throws {
        try await log.append(
            (0..<10_000).map {
                reading(point: "p\($0 % 50)", at: baseTime.milliseconds + Int64(batch * 10_000 + $0))
            }
        )
    }

    /// A new log, a read begun after its first append, and appends until one crosses the checkpoint
    /// threshold while the read holds the WAL: the checkpoint after that commit cannot copy past the
    /// read's snapshot. Returns the read, the frames the crossing commit left and the next batch.
    static func readHeldAcrossACheckpoint(_ log: DurableLog) async throws
        -> (read: (end: @Sendable () throws -> Void, queue: DatabaseQueue), checkpointed: Int, next: Int)
    {
        let threshold = log.walWatch.threshold
        var batch = 0
        repeat {
            try await appendBatch(batch, to: log)
            batch += 1
        } while log.walWatch.frames.load(ordering: .relaxed) >= threshold
        let read = try holdRead(log.path)
        repeat {
            try await appendBatch(batch, to: log)
            batch += 1
        } while log.walWatch.frames.load(ordering: .relaxed) < threshold
        return (read, log.walWatch.frames.load(ordering: .relaxed), batch)
    }

    /// Round 12's soak: a read held the WAL while the commit that crossed the checkpoint threshold was
    /// checkpointed, so the checkpoint could not copy all of it, and SQLite did not start it over at the
    /// next commit although the read had ended: that commit went on its end (559 frames, then 1,044,
    /// against a limit of 1,018). Now the append first completes the checkpoint and the WAL starts over.
    @Test func anAppendAfterAReadThatHeldTheCheckpointStartsTheWALOver() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory), options: LogOptions(synchronous: .normal))
            defer { try? log.close() }
            let (read, checkpointed, next) = try await Self.readHeldAcrossACheckpoint(log)
            try read.end()
            try read.queue.close()

            try await Self.appendBatch(next, to: log)
            let frames = log.walWatch.frames.load(ordering: .relaxed)
            #expect(frames < checkpointed, "the WAL went on from \(checkpointed) to \(frames) frames")
            #expect(frames <= log.walLimit / (4096 + 24))
        }
    }

    /// The same read, still running when the next append begins: the append waits for it (20 ms in the
    /// gateway, two seconds here so that a slow machine cannot fail the test) and then starts the WAL
    /// over. Without the wait the append went on the WAL's end.
    @Test func anAppendWaitsForAReadThatStillHoldsTheWAL() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory), options: LogOptions(synchronous: .normal))
            defer { try? log.close() }
            log.walWatch.restartWait.store(2000, ordering: .relaxed)
            let (read, checkpointed, next) = try await Self.readHeldAcrossACheckpoint(log)
            let ending = Task.detached {
                try await Task.sleep(for: .milliseconds(100))
                try read.end()
            }
            try await Self.appendBatch(next, to: log)
            try await ending.value
            try read.queue.close()
            let frames = log.walWatch.frames.load(ordering: .relaxed)
            #expect(frames < checkpointed, "the WAL went on from \(checkpointed) to \(frames) frames")
        }
    }

    /// The checkpoint threshold, half the WAL's limit, leaves room for one commit of at most half the
    /// limit; a gateway's largest commits are about that (a 10,000-point cycle) and come together (the
    /// minute's snapshot of every point beside a cycle). In a soak at the size cap, such a commit on a
    /// WAL just under the threshold took it to 5.0–5.2 MB against 4 MiB. Now an append that would take
    /// the WAL past its limit where it stands starts it over first. Through `chemgate run`'s append
    /// (events, reading groups and alarm state in one transaction), which went straight to the writer.
    @Test func anAppendTooLargeForWhatIsLeftOfTheWALStartsItOverFirst() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory), options: LogOptions(synchronous: .normal))
            defer { try? log.close() }
            let watch = log.walWatch
            var next = 0
            func append(_ count: Int) async throws {
                let readings = (next..<next + count).map {
                    reading(
                        device: "d\($0 % 100)",
                        point: "p\($0 / 100 % 100)",
                        value: .number(Double($0)),
                        at: baseTime.milliseconds + Int64($0)
                    )
                }
                next += count
                try await log.append(events: [], readingGroups: [readings], memories: [])
            }
            // What a row costs in WAL frames, from one append on an empty WAL.
            try await log.checkpoint()
            try await append(4000)
            let perRow = Double(watch.frames.load(ordering: .relaxed)) / 4000
            #expect(perRow > 0)
            // Appends of 100 rows until the WAL is just under the threshold, then one of 60 % of the limit.
            try await log.checkpoint()
            var step = 0
            while watch.frames.load(ordering: .relaxed) + 2 * step < watch.threshold {
                let frames = watch.frames.load(ordering: .relaxed)
                try await append(100)
                step = watch.frames.load(ordering: .relaxed) - frames
            }
            let before = watch.frames.load(ordering: .relaxed)
            #expect(before > watch.limit / 3 && before < watch.threshold)
            watch.largest.store(0, ordering: .relaxed)
            try await append(Int(Double(watch.limit) * 0.6 / perRow))
            let largest = watch.largest.load(ordering: .relaxed)
            #expect(
                largest <= watch.limit,
                "the WAL went from \(before) to \(largest) frames, its limit \(watch.limit)"
            )
            #expect(largest > watch.limit / 2, "the append wrote only \(largest) frames")
        }
    }

    /// The WAL's frames per row are measured at an append's commit; an append that failed left its
    /// rows to the next commit, and a 3-row acknowledgement was then taken for a 5,000-row append
    /// (it lowered the estimate an eighth).
    @Test func anAppendThatFailsIsNotMeasuredOnTheNextCommit() async throws {
        struct Refused: Error {}
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory), options: LogOptions(synchronous: .normal))
            defer { try? log.close() }
            let watch = log.walWatch
            try await log.append((0..<2000).map { reading(point: "p\($0)", at: baseTime.milliseconds + Int64($0)) })
            let measured = watch.framesPerThousandRows.load(ordering: .relaxed)
            #expect(measured > 0)
            await #expect(throws: Refused.self) {
                try await log.appendTransaction(rows: 5000) { db in
                    _ = try DurableLog.insert([reading(point: "x", at: baseTime.milliseconds)], db)
                    throw Refused()
                }
            }
            #expect(watch.pendingRows.load(ordering: .relaxed) == 0)
            // A commit that is no append: a few frames, no rows.
            try await log.pool.write { db in
                try db.execute(sql: "INSERT INTO destination (name, registered) VALUES ('other', 0)")
            }
            #expect(watch.framesPerThousandRows.load(ordering: .relaxed) == measured)
        }
    }
}
