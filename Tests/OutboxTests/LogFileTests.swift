import Foundation
import GRDB
import GatewayCore
import Outbox
import Testing

/// What the log does with the file it finds at its path (issue #12, items 4 and 15): a corrupted log
/// is moved aside with advice and a new one started; a file that is not a log is never modified.
@Suite("The log's file: corrupted logs moved aside, foreign files untouched")
struct LogFileTests {
    /// A log of `count` readings at `path`, closed.
    static func makeLog(at path: String, count: Int) async throws -> String {
        let log = try DurableLog(path: path, options: LogOptions(synchronous: .normal))
        try await log.append(
            (0..<count).map { reading(device: "gd-\($0 % 40)", point: "gas", at: baseTime.milliseconds + Int64($0)) }
        )
        let id = log.logID
        try log.close()
        return id
    }

    /// Overwrites `count` bytes of page `page` (numbered from 1) with a pattern no B-tree page has.
    static func corrupt(_ path: String, page: Int, count: Int = 512) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64((page - 1) * 4096))
        try handle.write(contentsOf: Data(repeating: 0xA5, count: count))
    }

    @Test func aCorruptedLogIsMovedAsideAndANewOneStarted() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let oldID = try await Self.makeLog(at: path, count: 5000)
            try Self.corrupt(path, page: 6)
            let damaged = try Data(contentsOf: URL(fileURLWithPath: path))

            // A tool that only reads the log (history, dead-letters) refuses it, unchanged.
            #expect(throws: LogOpeningError.self) { try DurableLog(path: path) }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == damaged)

            let log = try DurableLog(path: path, options: LogOptions(gateway: "GW-1", replaceCorrupt: true))
            guard case .replacedCorrupt(let text) = log.start else {
                Issue.record("the corrupted log was opened as \(log.start)")
                return
            }
            #expect(text.contains("the log \(path) was corrupted (SQLite: "), "\(text)")
            #expect(text.contains("a new log was started; restore from backup or inspect with sqlite3"), "\(text)")
            let aside = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasPrefix("outbox.sqlite.corrupt-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }
            #expect(aside.count == 1, "\(aside)")
            let name = try #require(aside.first)
            #expect(name.range(of: #"^outbox\.sqlite\.corrupt-\d{8}T\d{6}Z$"#, options: .regularExpression) != nil)
            #expect(text.contains("moved aside to \(directory.path)/\(name)"))
            #expect(try Data(contentsOf: directory.appendingPathComponent(name)) == damaged, "kept as it was")

            // The new log works, has a new id, and its first entry says what happened.
            #expect(log.logID != oldID && !log.logID.isEmpty)
            try await log.append([reading(point: "gas", at: baseTime.milliseconds)])
            let records = try await log.records(in: 1...Int64.max)
            #expect(records.count == 2)
            guard case .event(let event)? = records.first?.payload else {
                Issue.record("no event first: \(records)")
                return
            }
            #expect(event.kind == .logReplaced && event.gateway == "GW-1" && event.reason == text)
        }
    }

    @Test func aForeignSQLiteDatabaseIsRefusedAndNotModified() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("plant.db").path
            do {
                let queue = try DatabaseQueue(path: path)
                try await queue.write { db in
                    try db.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
                    try db.execute(sql: "INSERT INTO customers (name) VALUES ('Anhui Chemicals')")
                }
                try queue.close()
            }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            for options in [LogOptions(), LogOptions(replaceCorrupt: true)] {
                do {
                    _ = try DurableLog(path: path, options: options)
                    Issue.record("a foreign database was opened as a log")
                } catch let error as LogOpeningError {
                    #expect(error.description.contains("\(path) is not a chemgate log"), "\(error)")
                    #expect(error.description.contains("It was not modified"), "\(error)")
                }
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "byte for byte unchanged")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files == ["plant.db"], "no -wal, -shm or moved-aside copy: \(files)")
        }
    }

    @Test func aFileThatIsNotADatabaseIsRefusedAndNotModified() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("notes.txt").path
            let before = Data("storage.path must not point here\n".utf8)
            try before.write(to: URL(fileURLWithPath: path))
            #expect(throws: LogOpeningError.self) {
                try DurableLog(path: path, options: LogOptions(replaceCorrupt: true))
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["notes.txt"])
        }
    }

    @Test func aLogKeepsItsIdAcrossOpensAndANewLogGetsAnother() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let id = try await Self.makeLog(at: path, count: 3)
            let reopened = try DurableLog(path: path)
            #expect(reopened.logID == id && reopened.start == .existing)
            let batch = try #require(try await reopened.nextBatch(for: "park", maxRecords: 10, liveWindow: .zero))
            #expect(batch.batchID != Batch.id(destination: "park", sequences: batch.sequences), "the id is in it")
            try reopened.close()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let fresh = try DurableLog(path: path)
            #expect(fresh.start == .created && fresh.logID != id)
            #expect(fresh.logID.range(of: "^[0-9a-f]{32}$", options: .regularExpression) != nil)
        }
    }
}
