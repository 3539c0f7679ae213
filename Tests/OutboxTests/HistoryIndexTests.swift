import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

/// The history index is `(device, timestamp)`: a group commit of many points writes one index page per
/// device, where `(device, point, timestamp)` wrote one per point (docs/operations.md, "Upgrades keep
/// the log"). Logs written before keep their rows and their history answers.
@Suite struct HistoryIndexTests {
    @Test func aSecondOfManyPointsWritesAboutOnePageOfHistoryIndexPerDeviceNotPerPoint() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let log = try DurableLog(path: path, options: LogOptions(synchronous: .normal, destinations: ["park"]))
            defer { try? log.close() }
            // 50 devices × 100 points, 20 seconds of history, then one more second in one commit.
            func second(_ index: Int) -> [Reading] {
                (0..<50).flatMap { device in
                    (0..<100).map { point in
                        reading(
                            device: "d\(device)",
                            point: "p\(point)",
                            value: .number(Double(index)),
                            at: baseTime.milliseconds + Int64(index * 1000)
                        )
                    }
                }
            }
            for index in 0..<20 { try await log.append(second(index)) }
            try await log.checkpoint()
            #expect(DurableLog.fileBytes(path + "-wal") == 0, "the WAL was truncated before the measured commit")
            try await log.append(second(20))
            let pageSize = try await log.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096 }
            let frames = DurableLog.fileBytes(path + "-wal") / (pageSize + 24)
            // 5,000 rows of ~100 bytes fill ~130 table pages and ~40 of the time index; the history index
            // adds about one page per device (50). Per point it was one per point's leaf: over 700 here.
            #expect(frames < 400, "one second of 5,000 points wrote \(frames) pages to the WAL")

            let history = try await log.history(
                device: "d7",
                point: "p42",
                from: baseTime,
                to: Timestamp(milliseconds: baseTime.milliseconds + 60_000),
                limit: 100
            )
            #expect(history.count == 21)
            #expect(history.allSatisfy { $0.reading?.device == "d7" && $0.reading?.point == "p42" })
            #expect(history.compactMap(\.reading?.value) == (0...20).map { .number(Double($0)) })
        }
    }

    @Test func aLogWithThePointIndexIsMigratedToTheDeviceIndexWithItsHistory() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(synchronous: .normal, destinations: ["park"])
            var log = try DurableLog(path: path, options: options)
            try await log.append(
                (0..<30).map { reading(point: $0 % 3 == 0 ? "gas" : "temp", at: baseTime.milliseconds + Int64($0)) }
            )
            try log.close()
            // What the previous release wrote: the point index, the migration not applied.
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                try unsegment(db)
                try db.execute(
                    sql: """
                        DROP INDEX record_device_time;
                        CREATE INDEX record_history ON record(device, point, timestamp);
                        DELETE FROM grdb_migrations WHERE identifier = 'history by device and time';
                        """
                )
            }
            try queue.close()

            log = try DurableLog(path: path, options: options)
            defer { try? log.close() }
            let indexes = try await log.pool.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'record_head'"
                )
            }
            #expect(indexes.contains("record_device_time"))
            #expect(!indexes.contains("record_history"))
            let gas = try await log.history(
                device: "dev",
                point: "gas",
                from: baseTime,
                to: Timestamp(milliseconds: baseTime.milliseconds + 100),
                limit: 100
            )
            #expect(
                gas.map(\.timestamp.milliseconds)
                    == stride(from: 0, to: 30, by: 3).map { baseTime.milliseconds + Int64($0) }
            )
            #expect(try await log.pending(for: "park").records == 30)
        }
    }
}
