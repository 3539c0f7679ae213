import Foundation
import GRDB
import GatewayCore
import Outbox
import Testing

/// An upgrade keeps the log: a log written by the previous release (0.4.0: schema `v1`, no log id,
/// no application id) is migrated forward by this one with every entry, its numbering and what
/// each platform has not acknowledged yet (docs/operations.md, "Upgrades keep the log").
@Suite("Upgrading the log from the previous release")
struct UpgradeTests {
    /// Turns a log of this release back into what 0.4.0 wrote: the `v2` migration undone.
    static func downgradeToPreviousRelease(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "DROP TABLE log_identity")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2'")
            try db.execute(sql: "PRAGMA application_id = 0")
        }
        let tables = try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master") }
        #expect(!tables.contains("log_identity"))
        try queue.close()
    }

    @Test func aPreviousReleasesLogIsMigratedWithEverythingPendingKept() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let options = LogOptions(synchronous: .normal, destinations: ["park"])
            let old = try DurableLog(path: path, options: options)
            try await old.append((0..<20).map { reading(point: "gas", at: baseTime.milliseconds + Int64($0)) })
            try old.close()
            try Self.downgradeToPreviousRelease(path)

            let log = try DurableLog(path: path, options: options)
            #expect(!log.logID.isEmpty, "a migrated log gets its id")
            #expect(try await log.records(in: 1...Int64.max).count == 20, "every entry kept")
            #expect(try await log.pending(for: "park").records == 20, "nothing sent before is lost to the upgrade")
            let next = try await log.append([reading(point: "gas", at: baseTime.milliseconds + 100)])
            #expect(next == 21...21, "numbering goes on: the platform sees no reused sequence")
            try log.close()

            let again = try DurableLog(path: path, options: options)
            #expect(again.logID == log.logID, "the id stays once given")
            try again.close()
        }
    }
}
