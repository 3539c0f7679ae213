import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

/// A log that has reached its size cap stays there: every new row must be paid for by an old one. These
/// tests pin how it pays: in steps of a tenth of the cap, reusing the freed pages, never growing the file.
@Suite struct SizeCapSteadyStateTests {
    @Test func aFullLogDropsDeliveredRowsATenthBelowTheCapThenAbsorbsAppendsWithoutDroppingAgain() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let text = String(repeating: "x", count: 200)
            let day = baseTime.milliseconds - 86_400_000
            var log = try DurableLog(path: path, options: LogOptions(destinations: ["park"]))
            var at = day
            func block(_ count: Int) -> [Reading] {
                defer { at += Int64(count) }
                return (0..<count).map { reading(point: "p\($0 % 50)", value: .text(text), at: at + Int64($0)) }
            }
            for _ in 0..<8 { try await log.append(block(1000)) }
            try await drain(log, destination: "park")
            let (capped, cap) = try await Self.reopenUnderACap(log, path: path)
            log = capped
            defer { try? log.close() }
            let report = try await log.watchSpace(now: baseTime)
            let first = try #require(report)
            #expect(first.droppedAcknowledged > 0)
            #expect(first.droppedUnacknowledged == 0)
            let pages = try await Self.pages(log)
            // Dropped down to a tenth below the cap, not just under it ...
            #expect(pages.used <= cap - cap / 10, "\(pages.used) bytes in use under a cap of \(cap)")
            // ... and the file handed back only what was above the cap: the rest is free pages to reuse.
            #expect(pages.file <= cap)
            #expect(pages.free > 0)

            // Appends that fit in the freed pages neither grow the file nor make the cap drop again.
            let sizeBefore = pages.file
            let droppedBefore = try await log.dropCounts()[DropReason.sizeCapAcknowledged.rawValue] ?? 0
            let perRow = max(1, pages.used / max(1, try await log.records(in: 1...Int64.max).count))
            let fitting = max(1, (cap - pages.used) / perRow / 3)
            try await log.append(block(fitting))
            try await drain(log, destination: "park")
            #expect(try await log.watchSpace(now: baseTime) == nil)
            #expect(try await Self.pages(log).file == sizeBefore)
            #expect(try await log.dropCounts()[DropReason.sizeCapAcknowledged.rawValue] == droppedBefore)
        }
    }

    @Test func aFullLogOfUndeliveredReadingsDropsOnlyWhatTheCapNeeds() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let text = String(repeating: "x", count: 200)
            let day = baseTime.milliseconds - 86_400_000
            var log = try DurableLog(path: path, options: LogOptions(destinations: ["park"]))
            for block in 0..<8 {
                try await log.append(
                    (0..<1000).map { reading(point: "q", value: .text(text), at: day + Int64(block * 1000 + $0)) }
                )
            }
            let (capped, cap) = try await Self.reopenUnderACap(log, path: path)
            log = capped
            defer { try? log.close() }
            let report = try #require(try await log.watchSpace(now: baseTime))
            #expect(report.droppedAcknowledged == 0)
            #expect(report.droppedUnacknowledged > 0)
            let pages = try await Self.pages(log)
            #expect(pages.file <= cap)
            // Undelivered readings are data: the cap keeps every one it can, so it does not drop a tenth
            // more as it does for delivered rows.
            let left = try await log.pending(for: "park").records
            #expect(left + report.droppedUnacknowledged == 8000)
            #expect(pages.used > cap - cap / 10, "\(pages.used) bytes in use under a cap of \(cap)")
        }
    }

    /// The rows the cap deletes one by one (a backlog the oldest segment holds, undelivered readings)
    /// go in chunks whose WAL fits within the log's limit: deleted in one chunk, the rows over the cap
    /// wrote 5.1 MB of WAL against a limit of 1.4 MB.
    @Test func theWALOfTheCapsRowDeletesStaysWithinItsLimit() async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let text = String(repeating: "x", count: 200)
            let day = baseTime.milliseconds - 86_400_000
            var log = try DurableLog(path: path, options: LogOptions(destinations: ["park"], segmentRows: 100_000))
            for block in 0..<48 {
                try await log.append(
                    (0..<1000).map {
                        reading(point: "q\($0 % 20)", value: .text(text), at: day + Int64(block * 1000 + $0))
                    }
                )
            }
            let (capped, cap) = try await Self.reopenUnderACap(log, path: path)
            log = capped
            defer { try? log.close() }
            let report = try #require(try await log.watchSpace(now: baseTime))
            #expect(report.droppedUnacknowledged > 10_000)
            #expect(try await Self.pages(log).file <= cap)
            #expect(report.largestWAL > 0)
            #expect(report.largestWAL <= log.walLimit, "the WAL reached \(report.largestWAL) bytes of \(log.walLimit)")
            #expect(try await log.pending(for: "park").records + report.droppedUnacknowledged == 48_000)
        }
    }

    /// Closes `log` and opens it again with `storage.max_size` at three quarters of its size, so that
    /// it is over its cap; returns it and the cap in force on its database.
    private static func reopenUnderACap(_ log: DurableLog, path: String) async throws -> (DurableLog, Int) {
        let full = try await log.bytesOnDisk
        try log.close()
        let maxBytes = full * 3 / 4
        let capped = try DurableLog(path: path, options: LogOptions(maxBytes: maxBytes, destinations: ["park"]))
        return (capped, capped.databaseCap(maxBytes))
    }

    private static func pages(_ log: DurableLog) async throws -> (file: Int, used: Int, free: Int) {
        try await log.pool.read { db in
            let count = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return (count * size, (count - free) * size, free * size)
        }
    }
}
