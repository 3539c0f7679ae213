import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

/// Appends large enough to use the multi-row insert (``RecordRow/readingsPerInsert`` rows per
/// statement) and the single-row remainder: every field, the order, the sequence numbers and the
/// alarm marks come out as one row per statement gave them.
@Suite struct AppendGroupTests {
    /// 2 full groups and a remainder of 7, with every kind of value and quality.
    static func mixedReadings(count: Int, offset: Int64 = 0) -> [Reading] {
        (0..<count).map { index in
            let values: [Value?] = [
                .number(Double(index) + 0.25), .integer(Int128(index) << 70), .integer(Int128(-index)),
                .bool(index % 2 == 0), .text("文本 \(index)"), nil,
            ]
            var reading = Reading(
                gateway: "gw",
                device: "dev-\(index % 3)",
                point: "p\(index)",
                indicator: index % 4 == 0 ? "HZ-\(index)" : nil,
                value: values[index % values.count],
                unit: index % 5 == 0 ? nil : "%LEL",
                quality: index % 6 == 5 ? .bad(.timeout) : (index % 7 == 3 ? .uncertain(.frozen) : .good),
                timestamp: Timestamp(milliseconds: baseTime.milliseconds + offset + Int64(index)),
                sequence: UInt64(index) &* 0x9E37_79B9_7F4A_7C15,
                report: index % 8 == 1 ? .snapshot : .change,
                raw: index % 6 == 5 ? "0x7FFF" : nil,
                staleSince: index % 9 == 4 ? Timestamp(milliseconds: 17) : nil
            )
            reading.clock = index % 10 == 2 ? .stepped : nil
            return reading
        }
    }

    @Test func aLargeAppendKeepsOrderSequencesAndEveryField() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let count = 2 * RecordRow.readingsPerInsert + 7
            let readings = Self.mixedReadings(count: count)
            let range = try #require(try await log.append(readings))
            #expect(range == 1...Int64(count))
            // A second append continues the numbering; events and readings in one transaction too.
            let more = Self.mixedReadings(count: RecordRow.readingsPerInsert, offset: 1000)
            try await log.append(events: [alarm(at: 5)], readings: more)
            let records = try await log.records(in: 1...10_000)
            #expect(records.map(\.sequence) == Array(1...Int64(count + 1 + RecordRow.readingsPerInsert)))
            #expect(Array(records.prefix(count).compactMap(\.reading)) == readings)
            #expect(records[count].event != nil, "the event goes first in its transaction")
            #expect(Array(records.suffix(RecordRow.readingsPerInsert).compactMap(\.reading)) == more)
            try log.close()
        }
    }

    /// The poller's group commit hands over each device's readings as a group: groups whose sizes do
    /// not line up with the multi-row insert (a statement's rows span two groups, an empty group, a
    /// remainder stored one row at a time) are stored as the same readings joined would be.
    @Test func readingGroupsAreStoredAsTheirReadingsJoined() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let readings = Self.mixedReadings(count: 2 * RecordRow.readingsPerInsert + 11)
            let cuts = [0, 0, 5, 5, 45, readings.count]
            let groups = zip(cuts, cuts.dropFirst()).map { Array(readings[$0..<$1]) }
            #expect(groups.map(\.count) == [0, 5, 0, 40, 30])
            try await log.append(events: [alarm(at: 5)], readingGroups: groups, memories: [])
            let records = try await log.records(in: 1...10_000)
            #expect(records.map(\.sequence) == Array(1...Int64(1 + readings.count)))
            #expect(records.first?.event != nil, "the events go first in their transaction")
            #expect(Array(records.dropFirst().compactMap(\.reading)) == readings)
            try await log.append(events: [], readingGroups: [[], []], memories: [])
            #expect(try await log.records(in: 1...10_000).count == 1 + readings.count)
            try log.close()
        }
    }

    @Test func readingsOfAPointInAlarmAreMarkedInEveryGroup() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append([alarm(device: "dev", point: "hot", at: 0)])  // 1
            try await log.append([alarm(device: "whole", point: nil, at: 0)])  // 2
            let count = 3 * RecordRow.readingsPerInsert + 5
            let devices = ["dev", "dev", "whole", "other"]
            var readings: [Reading] = []
            for index in 0..<count {
                let point = index % 4 == 0 ? "hot" : "cold"
                readings.append(reading(device: devices[index % 4], point: point, at: Int64(10 + index)))
            }
            let range = try #require(try await log.append(readings))
            #expect(range == 3...Int64(2 + count))
            let marked = try await log.pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT sequence FROM record WHERE in_alarm = 1 ORDER BY sequence")
            }
            var expected: [Int64] = []
            for index in 0..<count where index % 4 == 0 || index % 4 == 2 { expected.append(Int64(3 + index)) }
            #expect(marked == expected)
            try log.close()
        }
    }
    /// The multi-row insert binds its values straight into the statement; the single-row insert
    /// builds GRDB arguments. Both must store every column the same, in the same SQLite storage class
    /// (`typeof`): an exact integer as INTEGER, one above `Int64.max` as TEXT, a number as REAL, a
    /// flag as INTEGER, a missing value as NULL.
    @Test func theMultiRowInsertStoresEveryColumnAsTheSingleRowInsertDoes() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append([alarm(device: "dev-1", point: "p4", at: 0)])  // 1: marks p4 in alarm
            let readings = Self.mixedReadings(count: RecordRow.readingsPerInsert)
            try await log.append(readings)  // 2…33, one multi-row statement
            for reading in readings { try await log.append([reading]) }  // 34…65, one row each
            let columns = """
                lane, gateway, device, point, indicator, value_type, value, unit, quality_level, quality_reason,
                timestamp, report, source_sequence, in_alarm, raw, stale_since, clock
                """
            let typed = columns.split(separator: ",").map {
                "typeof(\($0.trimmingCharacters(in: .whitespacesAndNewlines)))"
            }
            // Rows are not Sendable: their values are taken out inside the read.
            let rows: [[DatabaseValue]] = try await log.pool.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(columns), \(typed.joined(separator: ", ")) FROM record WHERE sequence > 1 ORDER BY sequence"
                )
                .map { Array($0.databaseValues) }
            }
            let count = RecordRow.readingsPerInsert
            #expect(rows.count == 2 * count)
            for index in 0..<count {
                #expect(rows[index] == rows[count + index], "row \(index)")
            }
            let valueStorage = typed.count + typed.firstIndex(of: "typeof(value)")!
            let storage = rows.prefix(count).compactMap { String.fromDatabaseValue($0[valueStorage]) }
            #expect(Set(storage) == ["real", "text", "integer", "null"])
            try log.close()
        }
    }
    /// The multi-row insert binds text from the string's own bytes (``ParameterBinder``), the
    /// single-row insert as GRDB does (a C string): the bytes stored, compared as hex, and their storage
    /// class must be the same for an empty text, the longest and shortest strings Swift keeps inline
    /// and in a buffer, non-ASCII text and text with a NUL (stored up to the NUL, as a C string ends).
    @Test func theMultiRowInsertStoresEveryTextAsTheSingleRowInsertDoes() async throws {
        let texts = [
            "", "a", "fifteen-bytes!!", "sixteen-bytes!!!", String(repeating: "长文本 long text ", count: 20),
            "氯气 Cl₂ %LEL", "a\u{0}b", "\u{0}", "\u{0}tail", "end\u{0}",
        ]
        let count = RecordRow.readingsPerInsert
        let readings = (0..<count).map { index in
            Reading(
                gateway: texts[index % texts.count],
                device: texts[(index + 1) % texts.count],
                point: texts[(index + 2) % texts.count],
                indicator: texts[(index + 3) % texts.count],
                value: .text(texts[(index + 4) % texts.count]),
                unit: texts[(index + 5) % texts.count],
                quality: .good,
                timestamp: Timestamp(milliseconds: baseTime.milliseconds + Int64(index)),
                sequence: UInt64(index),
                raw: texts[(index + 6) % texts.count]
            )
        }
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            try await log.append(readings)  // 1…32, one multi-row statement
            for reading in readings { try await log.append([reading]) }  // 33…64, one row each
            let columns = ["gateway", "device", "point", "indicator", "value", "unit", "raw"]
            let stored = columns.map { "typeof(\($0)) || ':' || hex(\($0))" }.joined(separator: ", ")
            let rows: [[String]] = try await log.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(stored) FROM record ORDER BY sequence").map { row in
                    (0..<columns.count).map { row[$0] }
                }
            }
            #expect(rows.count == 2 * count)
            for index in 0..<count {
                #expect(rows[index] == rows[count + index], "row \(index)")
            }
            // The texts are stored as given up to a NUL: an empty text is '' (not NULL), "a\0b" is "a".
            let gateways = Set(rows.map { $0[0] })
            #expect(gateways.contains("text:"))
            #expect(gateways.contains("text:61"))
            #expect(!gateways.contains { $0.hasPrefix("null") })
            try log.close()
        }
    }

    /// The multi-row insert's texts are kept in reused chunks (``BoundTexts``) until each statement has
    /// been stepped: texts that fill several chunks, one longer than a chunk and different in every
    /// row are stored as given, in every statement of a long append and in the next append.
    @Test func textsSpanningSeveralChunksAreStoredAsGiven() async throws {
        let count = 4 * RecordRow.readingsPerInsert
        func readings(_ round: Int) -> [Reading] {
            (0..<count).map { index in
                let long = index == 37 ? BoundTexts.chunkBytes + 1_000 : 700 + index * 13 + round
                let letter = Character(UnicodeScalar(UInt8(65 + (index + round) % 26)))
                return Reading(
                    gateway: "gw-\(round)",
                    device: "device-\(round)-\(index)",
                    point: "点位-\(index)",
                    indicator: index % 3 == 0 ? nil : "HZ-\(index)",
                    value: .text(String(repeating: letter, count: long)),
                    unit: index % 2 == 0 ? "%LEL" : "ppm-\(index)",
                    quality: .good,
                    timestamp: Timestamp(milliseconds: baseTime.milliseconds + Int64(round * count + index)),
                    sequence: UInt64(index),
                    raw: "raw-\(round)-\(index)-" + String(repeating: "x", count: index)
                )
            }
        }
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory))
            let given = readings(1) + readings(2)
            try await log.append(Array(given.prefix(count)))
            try await log.append(Array(given.suffix(count)))
            let stored = try await log.records(in: 1...Int64(2 * count))
            #expect(stored.count == 2 * count)
            for (record, reading) in zip(stored, given) {
                #expect(record.reading == reading, "\(reading.device)")
            }
            try log.close()
        }
    }
}
