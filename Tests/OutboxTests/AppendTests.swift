import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

@Suite struct AppendTests {
    @Test func readingsAndEventsRoundTripWithEveryField() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let readings = [
                Reading(
                    gateway: "网关-1",
                    device: "可燃气体探测器 GT-01",
                    point: "浓度",
                    indicator: "HZ-0001-GAS",
                    value: .number(12.25),
                    unit: "%LEL",
                    quality: .good,
                    timestamp: baseTime,
                    sequence: 41,
                    report: .snapshot
                ),
                Reading(
                    gateway: "gw",
                    device: "pump",
                    point: "flow",
                    value: nil,
                    quality: .bad(.timeout),
                    timestamp: Timestamp(milliseconds: baseTime.milliseconds + 1),
                    sequence: UInt64.max
                ),
                Reading(
                    gateway: "gw",
                    device: "pump",
                    point: "running",
                    value: .bool(true),
                    quality: .uncertain(.deviceException(11)),
                    timestamp: Timestamp(milliseconds: baseTime.milliseconds + 2)
                ),
                Reading(
                    gateway: "gw",
                    device: "pump",
                    point: "serial",
                    value: .text("序列号 SN-42"),
                    quality: .bad(.sensorFault),
                    timestamp: Timestamp(milliseconds: baseTime.milliseconds + 3)
                ),
                Reading(
                    gateway: "gw",
                    device: "pump",
                    point: "off",
                    value: .bool(false),
                    quality: .uncertain(.warmup),
                    timestamp: Timestamp(milliseconds: -5)
                ),
            ]
            let events = [
                GatewayEvent(
                    kind: .alarmRaised,
                    gateway: "网关-1",
                    device: "可燃气体探测器 GT-01",
                    point: "浓度",
                    link: "RS485-1",
                    indicator: "HZ-0001-GAS",
                    level: .level2,
                    value: .number(51.5),
                    limit: 50,
                    unit: "%LEL",
                    timestamp: baseTime,
                    reason: "value 51.5 %LEL ≥ level2 50",
                    sequence: 7
                ),
                GatewayEvent(kind: .linkDown, gateway: "gw", link: "tcp-2", timestamp: baseTime, reason: "断开"),
                GatewayEvent(
                    kind: .alarmSuppressed,
                    gateway: "gw",
                    device: "d",
                    point: "p",
                    level: .deviceFault,
                    value: .text("calibration"),
                    timestamp: baseTime,
                    reason: "inhibit"
                ),
                GatewayEvent(
                    kind: .deviceDemoted,
                    gateway: "gw",
                    device: "d",
                    value: .bool(false),
                    timestamp: baseTime,
                    reason: "3 failed cycles in a row"
                ),
            ]
            let readingRange = try #require(try await log.append(readings))
            let eventRange = try #require(try await log.append(events))
            #expect(readingRange == 1...5)
            #expect(eventRange == 6...9)

            let records = try await log.records(in: 1...100)
            #expect(records.map(\.sequence) == Array(1...9))
            #expect(records.compactMap(\.reading) == readings)
            #expect(records.compactMap(\.event) == events)
            #expect(records.map(\.lane) == Array(repeating: .reading, count: 5) + Array(repeating: .event, count: 4))
            #expect(records.allSatisfy { !$0.backfill })
            try log.close()
        }
    }

    @Test func storeConformsToReadingSink() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let sink: any ReadingSink = log
            try await sink.store([reading(point: "a", at: 1)])
            try await sink.store([alarm(at: 2)])
            try await sink.store([Reading]())
            #expect(try await log.records(in: 1...10).map(\.lane) == [.reading, .event])
        }
    }

    @Test func theDatabaseIsWALWithSynchronousFullAndIncrementalVacuum() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let (journal, synchronous, autoVacuum, secureDelete) = try await log.pool.writeWithoutTransaction { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                    try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"),
                    try Int.fetchOne(db, sql: "PRAGMA secure_delete")
                )
            }
            #expect(journal == "wal")
            #expect(synchronous == 2)  // FULL
            #expect(autoVacuum == 2)  // INCREMENTAL
            #expect(secureDelete == 2)  // FAST, not the distribution's ON: freed pages are not written again
        }
    }

    @Test func sequencesIncreaseStrictlyAndAreNeverReusedAfterDeletes() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(retention: .seconds(60), destinations: ["park"])
            var log = try DurableLog(path: path, options: options)
            var seen: [Int64] = []
            for round in 0..<5 {
                let range = try #require(
                    try await log.append((0..<7).map { reading(point: "p\($0)", at: Int64(round * 10 + $0)) })
                )
                seen += Array(range)
                seen += Array(try #require(try await log.append([alarm(at: Int64(round))])))
            }
            #expect(seen == Array(1...40))
            // Everything acknowledged and far past retention: every row goes.
            try await drain(log, destination: "park")
            let report = try await log.enforceLimits(now: Timestamp(milliseconds: 10_000_000))
            #expect(report.droppedForRetention == 40)
            #expect(try await log.records(in: 1...Int64.max).isEmpty)

            #expect(try await log.append([reading(point: "a", at: 1)]) == 41...41)
            try log.close()
            log = try DurableLog(path: path, options: options)
            #expect(try await log.append([alarm(at: 1), alarm(.alarmCleared, at: 2)]) == 42...43)
        }
    }

    /// The inserts are `OR ROLLBACK`, so SQLite keeps no statement journal for them: a constraint that fails
    /// ends the append's whole transaction at once, and nothing of it stays in the log.
    @Test func aFailedInsertEndsTheAppendsTransactionWithoutAStatementJournal() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append([reading(point: "before", at: 1)])
            let perInsert = RecordRow.readingsPerInsert
            var rows = StatementArguments()
            for index in 0..<perInsert - 1 {
                rows += RecordRow.arguments(reading(point: "p\(index)", at: 2), inAlarm: false)
            }
            // A value type the table's CHECK refuses.
            let refused: [(any DatabaseValueConvertible)?] = [
                "gw", "dev", "bad", nil, "bogus", 1.0, nil, "good", nil, 2, "change", 0, 0, nil, nil, nil,
            ]
            rows += StatementArguments(refused)
            let arguments = rows
            let outcome = try await log.pool.writeWithoutTransaction { db -> (threw: Bool, open: Bool) in
                try db.execute(sql: "BEGIN IMMEDIATE")
                _ = try DurableLog.insert((0..<40).map { reading(point: "q\($0)", at: 2) }, db)
                var threw = false
                do {
                    try db.execute(sql: RecordRow.insertReadings, arguments: arguments)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    threw = true
                }
                let open = db.isInsideTransaction
                if open { try db.execute(sql: "ROLLBACK") }
                return (threw, open)
            }
            #expect(outcome.threw)
            #expect(!outcome.open, "the constraint ended the transaction (ABORT would leave it open)")
            let points = try await log.records(in: 1...Int64.max).compactMap(\.reading?.point)
            #expect(points == ["before"])
            #expect(try await log.append([reading(point: "after", at: 3)]) != nil)
        }
    }
}
