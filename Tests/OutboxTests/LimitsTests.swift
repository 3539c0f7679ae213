import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

@Suite struct LimitsTests {
    @Test func retentionDeletesOnlyWhatEveryDestinationAcknowledged() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(retention: .seconds(3600), destinations: ["park", "province"])
            var log = try DurableLog(path: path, options: options)
            let old = baseTime.milliseconds - 7_200_000
            try await log.append((0..<20).map { reading(point: "p", at: old + Int64($0)) })
            try await log.append([alarm(at: old + 100)])
            // Recent rows, acknowledged everywhere: within retention, kept.
            try await log.append((0..<5).map { reading(point: "q", at: baseTime.milliseconds - Int64($0)) })
            try await drain(log, destination: "park")
            // province acknowledges the first 10 readings and the event only.
            let forProvince = try #require(
                try await log.nextBatch(for: "province", maxRecords: 100, liveWindow: .seconds(1), now: baseTime)
            )
            let partial = Batch(
                destination: "province",
                records: forProvince.records.filter { $0.lane == .event || $0.sequence <= 10 }
            )
            try await log.acknowledge(partial, destination: "province")

            let report = try await log.enforceLimits(now: baseTime)
            #expect(report.droppedForRetention == 11)
            #expect(report.keptPastRetention == 10)
            #expect(try await log.records(in: 1...100).map(\.sequence) == Array(11...20) + Array(22...26))
            #expect(try await log.pending(for: "province").records == 15)
            #expect(try await log.pending(for: "park").records == 0)
            #expect(try await log.dropCounts()[DropReason.retention.rawValue] == 11)

            try log.close()
            log = try DurableLog(path: path, options: options)
            #expect(
                try await log.dropCounts() == [
                    "retention": 11, "size_cap_acknowledged": 0, "size_cap_unacknowledged": 0,
                ]
            )
            // Sequences above the deleted ones still come out of the queue (cursor compaction keeps
            // the remaining ranges right).
            #expect(try await drain(log, destination: "province") == Array(11...20) + Array(22...26))
        }
    }

    @Test func theSizeCapDropsAcknowledgedRowsFirstThenOldestNonAlarmReadingsNeverEvents() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            var log = try DurableLog(path: path, options: LogOptions(destinations: ["park"]))
            let text = String(repeating: "x", count: 200)
            let day = baseTime.milliseconds - 86_400_000  // within retention
            // 1...4000: acknowledged by park.
            for block in 0..<4 {
                try await log.append(
                    (0..<1000).map { reading(point: "a", value: .text(text), at: day + Int64(block * 1000 + $0)) }
                )
            }
            try await drain(log, destination: "park")
            // 4001...: unacknowledged readings, events, and readings of a point in alarm.
            var events: [Int64] = []
            var alarmReadings: [Int64] = []
            for block in 0..<4 {
                let base = day + Int64(10_000 + block * 1000)
                try await log.append((0..<900).map { reading(point: "b", value: .text(text), at: base + Int64($0)) })
                events += Array(try #require(try await log.append([alarm(point: "c", at: base + 900)])))
                alarmReadings += Array(
                    try #require(
                        try await log.append(
                            (0..<50).map { reading(point: "c", value: .text(text), at: base + 901 + Int64($0)) }
                        )
                    )
                )
                events += Array(try #require(try await log.append([alarm(.alarmCleared, point: "c", at: base + 990)])))
            }
            let unacknowledgedB = try await log.pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT sequence FROM record WHERE point = 'b' ORDER BY sequence")
            }
            let full = try await log.bytesOnDisk
            try log.close()

            // A cap the acknowledged rows alone can satisfy.
            var cap = full * 3 / 4
            log = try DurableLog(path: path, options: LogOptions(maxBytes: cap, destinations: ["park"]))
            var report = try await log.enforceLimits(now: baseTime)
            #expect(report.droppedAcknowledged > 0)
            #expect(report.droppedUnacknowledged == 0)
            #expect(!report.overCap)
            #expect(report.bytesOnDisk <= cap)
            #expect(try await log.bytesOnDisk <= cap)
            var surviving = try await log.records(in: 1...Int64.max)
            // The oldest acknowledged rows went: what is left of them is a suffix.
            let acknowledgedLeft = surviving.map(\.sequence).filter { $0 <= 4000 }
            #expect(acknowledgedLeft == Array((4001 - Int64(acknowledgedLeft.count))..<4001))
            #expect(try await log.pending(for: "park").records == unacknowledgedB.count + 8 + 200)
            try log.close()

            // A cap that needs unacknowledged readings too.
            cap = try await DurableLog(path: path).bytesOnDisk / 2
            log = try DurableLog(path: path, options: LogOptions(maxBytes: cap, destinations: ["park"]))
            report = try await log.enforceLimits(now: baseTime)
            #expect(report.droppedUnacknowledged > 0)
            #expect(!report.overCap)
            #expect(report.bytesOnDisk <= cap)
            surviving = try await log.records(in: 1...Int64.max)
            #expect(surviving.allSatisfy { $0.sequence > 4000 })
            let bLeft = surviving.filter { $0.reading?.point == "b" }.map(\.sequence)
            #expect(!bLeft.isEmpty)
            #expect(bLeft == Array(unacknowledgedB.suffix(bLeft.count)))
            #expect(surviving.filter { $0.lane == .event }.map(\.sequence) == events)
            #expect(surviving.filter { $0.reading?.point == "c" }.map(\.sequence) == alarmReadings)
            try log.close()

            // A cap nothing droppable can meet: every non-alarm reading goes, events and alarm readings stay.
            log = try DurableLog(path: path, options: LogOptions(maxBytes: 4096, destinations: ["park"]))
            report = try await log.enforceLimits(now: baseTime)
            #expect(report.overCap)
            surviving = try await log.records(in: 1...Int64.max)
            #expect(surviving.filter { $0.lane == .event }.map(\.sequence) == events)
            #expect(surviving.filter { $0.lane == .reading }.map(\.sequence) == alarmReadings)
            let counts = try await log.dropCounts()
            // The head's row count in the catalogue follows the row deletes.
            let rows = try await SegmentTests.counts(log)
            #expect(rows.catalogue == rows.counted)
            try log.close()

            // The counts survive a restart and add up.
            log = try DurableLog(path: path)
            #expect(try await log.dropCounts() == counts)
            #expect(counts["size_cap_acknowledged"] == 4000)
            #expect(counts["size_cap_unacknowledged"] == unacknowledgedB.count)
            #expect(counts["retention"] == 0)
            // The queue still holds what was kept, events first.
            let batch = try #require(
                try await log.nextBatch(for: "park", maxRecords: 10, liveWindow: .seconds(1), now: baseTime)
            )
            #expect(batch.records.prefix(8).map(\.sequence) == events)
        }
    }

    @Test func readingsTakenWhileTheirPointIsInAlarmAreMarked() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append([reading(point: "p", at: 100), reading(point: "q", at: 100)])  // 1, 2
            try await log.append([alarm(point: "p", at: 100)])  // 3: marks 1, stored just before it
            try await log.append([reading(point: "p", at: 110), reading(point: "q", at: 110)])  // 4, 5
            try await log.append([alarm(device: "pump", point: nil, at: 120)])  // 6: the whole device
            try await log.append([reading(device: "pump", point: "x", at: 130)])  // 7
            try await log.append([alarm(.alarmCleared, point: "p", at: 140)])  // 8
            try await log.append([reading(point: "p", at: 150)])  // 9
            let marked = try await log.pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT sequence FROM record WHERE in_alarm = 1 ORDER BY sequence")
            }
            #expect(marked == [1, 4, 7])
        }
    }

    @Test func historyReturnsOnePointInTimeOrder() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let device = "储罐区 可燃气体探测器"
            try await log.append([
                reading(device: device, point: "浓度", value: .number(3), at: 300),
                reading(device: device, point: "浓度", value: .number(1), at: 100),
                reading(device: device, point: "状态", value: .bool(true), at: 150),
                reading(device: "other", point: "浓度", value: .number(9), at: 150),
                reading(device: device, point: "浓度", value: .number(2), at: 200),
                reading(device: device, point: "浓度", value: .number(4), at: 400),
            ])
            try await log.append([alarm(device: device, point: "浓度", at: 250)])

            let records = try await log.history(
                device: device,
                point: "浓度",
                from: Timestamp(milliseconds: 100),
                to: Timestamp(milliseconds: 300),
                limit: 10
            )
            #expect(records.map(\.timestamp.milliseconds) == [100, 200, 250, 300])
            #expect(records.compactMap(\.reading?.value) == [.number(1), .number(2), .number(3)])
            #expect(records.map(\.lane) == [.reading, .reading, .event, .reading])
            let limited = try await log.history(
                device: device,
                point: "浓度",
                from: Timestamp(milliseconds: 0),
                to: Timestamp(milliseconds: 1000),
                limit: 2
            )
            #expect(limited.map(\.sequence) == [2, 5])
        }
    }
}
