import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

/// The head checks `value_type` by comparisons (``Segments/valueTypeCheck``): the same rule as the
/// `IN ('number', 'bool', 'text')` of earlier releases, without the temporary index SQLite built for it
/// on every inserted row. A log written before is given a new head by its migration, its rows kept.
@Suite struct ValueTypeCheckTests {
    /// The opcodes SQLite runs for `sql` on the head.
    static func opcodes(_ sql: String, _ db: Database) throws -> [String] {
        let parameters = sql.filter { $0 == "?" }.count
        let nulls = StatementArguments(Array(repeating: DatabaseValue.null, count: parameters))
        return try Row.fetchAll(db, sql: "EXPLAIN \(sql)", arguments: nulls).map { $0["opcode"] }
    }

    static func headDefinition(_ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'record_head'")
            ?? ""
    }

    /// Inserts one reading row with `valueType` straight into the head; the error SQLite gave, if any.
    static func insertError(valueType: String?, _ db: Database) -> DatabaseError? {
        do {
            try db.execute(
                sql: """
                    INSERT INTO record_head (lane, gateway, device, point, value_type, timestamp, source_sequence)
                    VALUES ('reading', 'gw', 'dev', 'p', ?, 0, 0)
                    """,
                arguments: [valueType]
            )
            return nil
        } catch let error as DatabaseError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func theInsertsBuildNoTemporaryIndexInANewLogNorAfterARollOver() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory), options: LogOptions(synchronous: .normal))
            defer { try? log.close() }
            try await log.append(SegmentTests.readings(0..<40))
            for round in ["a new log's head", "a head created by a roll-over"] {
                // On the writer: a reader's EXPLAIN lists the program of the schema it last read (EXPLAIN
                // runs nothing, so SQLite never finds that schema stale).
                try await log.pool.write { db in
                    for sql in [RecordRow.insertReadings, RecordRow.insertReading, RecordRow.insertEvent] {
                        let codes = try Self.opcodes(sql, db)
                        #expect(codes.contains("Insert"), "\(round): the EXPLAIN is the insert's")
                        #expect(!codes.contains("OpenEphemeral"), "\(round): a temporary index in \(sql.prefix(40))")
                    }
                }
                try await log.pool.write { db in try Segments.rollOver(segmentRows: 0, db) }
            }
            #expect(try await SegmentTests.tables(log) == ["record_1", "record_2", Segments.head])
            #expect(try await log.records(in: 1...Int64.max).count == 40)
        }
    }

    @Test func theCheckStillRefusesAnUnknownValueTypeAndTakesNone() async throws {
        try await withTemporaryDirectory { directory in
            let log = try DurableLog(path: logPath(in: directory), options: LogOptions(synchronous: .normal))
            defer { try? log.close() }
            for round in ["a new log's head", "a head created by a roll-over"] {
                try await log.pool.write { db in
                    for valueType in ["number", "bool", "text", nil] {
                        #expect(Self.insertError(valueType: valueType, db) == nil, "\(round): \(valueType ?? "NULL")")
                    }
                    for valueType in ["float", "Number", "", "number "] {
                        let error = Self.insertError(valueType: valueType, db)
                        #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK, "\(round): '\(valueType)'")
                    }
                    try Segments.rollOver(segmentRows: 0, db)
                }
            }
        }
    }

    /// What releases before wrote: the head's `value_type` check as an `IN` list, the migration not applied.
    /// The table's text is changed in place (a `CHECK` is not stored in the rows; SQLite documents this for
    /// changes that leave the stored content as it is).
    static func restoreListCheck(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
            try db.execute(
                sql: """
                    PRAGMA writable_schema = ON;
                    UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'record_head';
                    PRAGMA writable_schema = OFF;
                    PRAGMA schema_version = \(version + 1);
                    DELETE FROM grdb_migrations WHERE identifier = 'value_type checked by comparisons';
                    """,
                arguments: [Segments.valueTypeCheck, "value_type IN ('number', 'bool', 'text')"]
            )
            let definition = try Self.headDefinition(db)
            let opcodes = try Self.opcodes(RecordRow.insertReadings, db)
            let integrity = try String.fetchOne(db, sql: "PRAGMA integrity_check")
            #expect(definition.contains("CHECK (value_type IN ('number', 'bool', 'text'))"))
            #expect(opcodes.contains("OpenEphemeral"), "the previous release's head builds the index")
            #expect(integrity == "ok")
        }
        try queue.close()
    }

    @Test func aHeadWithTheListCheckBecomesASegmentAndANewHeadTakesTheAppends() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(synchronous: .normal, destinations: ["park"])
            let old = try DurableLog(path: path, options: options)
            try await old.append(SegmentTests.readings(0..<20))
            try old.close()
            try Self.restoreListCheck(path)

            let log = try DurableLog(path: path, options: options)
            defer { try? log.close() }
            #expect(try await SegmentTests.tables(log) == ["record_1", Segments.head])
            let (definition, opcodes) = try await log.pool.write { db in
                (try Self.headDefinition(db), try Self.opcodes(RecordRow.insertReadings, db))
            }
            #expect(definition.contains("CHECK (\(Segments.valueTypeCheck))"))
            #expect(!opcodes.contains("OpenEphemeral"))
            #expect(try await log.records(in: 1...Int64.max).map(\.sequence) == Array(1...20))
            #expect(try await log.pending(for: "park").records == 20, "nothing pending is lost to the upgrade")
            #expect(try await log.append(SegmentTests.readings(20..<52)) == 21...52, "numbering goes on")
            #expect(try await drain(log, destination: "park") == Array(1...52))
        }
    }

    @Test func anEmptyHeadWithTheListCheckIsReplacedWithoutLeavingAnEmptySegment() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(synchronous: .normal, destinations: ["park"])
            let old = try DurableLog(path: path, options: options)
            try await old.append(SegmentTests.readings(0..<5))
            try await old.pool.write { db in try Segments.rollOver(segmentRows: 0, db) }
            try old.close()
            try Self.restoreListCheck(path)

            let log = try DurableLog(path: path, options: options)
            defer { try? log.close() }
            #expect(try await SegmentTests.tables(log) == ["record_1", Segments.head])
            let definition = try await log.pool.read { db in try Self.headDefinition(db) }
            #expect(definition.contains("CHECK (\(Segments.valueTypeCheck))"))
            #expect(try await log.append(SegmentTests.readings(5..<6)) == 6...6)
            #expect(try await drain(log, destination: "park") == Array(1...6))
        }
    }
}
