import GRDB
public import GatewayCore
import Synchronization

extension DurableLog {
    /// Applies the retention and the size cap, and returns what it did.
    ///
    /// Retention: rows whose timestamp is older than `now - retention` are deleted only when every
    /// registered destination has acknowledged them (a dead letter is not an acknowledgement). The others
    /// are kept, and counted in ``LimitReport/keptPastRetention`` as a warning figure.
    ///
    /// Size cap: once `page_count × page_size` exceeds the cap in force (``LogOptions/maxBytes`` less
    /// ``walLimit``, so that database and WAL together stay within it; less still while free space is
    /// low, see ``watchSpace(now:)``), drops, oldest first, (a) rows every destination has acknowledged,
    /// down to a tenth below the cap: the oldest segment of the log as a whole table while little of it
    /// is not acknowledged (that little is kept, see ``LogOptions/segmentRows``), otherwise in chunks of
    /// rows; then (b) readings some destination has not acknowledged, except readings taken while their
    /// point was in alarm, only down to the cap. Events are never dropped. The pages above the cap are
    /// handed back to the file system (the database is created with `auto_vacuum = INCREMENTAL`); the
    /// other freed pages are reused by the next appends.
    /// No full `VACUUM`, which would rewrite the whole file and need as much free space again. See
    /// ``applySizeCap(_:lowDisk:)``.
    ///
    /// Every deleted row is counted by ``DropReason`` in the persisted `dropped` table. Each chunk is its
    /// own transaction, so appends are not held up for the whole pass.
    @discardableResult
    public func enforceLimits(now: Timestamp = .now()) async throws -> LimitReport {
        var report = LimitReport()
        let cutoff = now.milliseconds - options.retention.wholeMilliseconds
        let chunk = 5000
        let due = try await pool.read { db in try Segments.hasRecords(olderThan: cutoff, db) }
        while due {
            let deleted = try await pool.write { db in
                let rows = try Self.deleteOldest(
                    where: "r.timestamp < ? AND \(Self.acknowledgedEverywhere)",
                    [cutoff],
                    limit: chunk,
                    db
                )
                return try Self.count(.retention, rows, db)
            }
            report.droppedForRetention += deleted
            if deleted < chunk { break }
        }
        if report.droppedForRetention > 0 {
            try await pool.write { db in try Segments.dropEmpty(db) }
        }
        if due {
            report.keptPastRetention = try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record WHERE timestamp < ?", arguments: [cutoff]) ?? 0
            }
        }

        let capped = try await applySizeCap(space.withLock { $0.cap })
        report.largestWAL = capped.largestWAL
        report.droppedAcknowledged = capped.droppedAcknowledged
        report.droppedUnacknowledged = capped.droppedUnacknowledged
        report.overCap = capped.overCap
        if report.droppedForRetention > 0 && capped.droppedAcknowledged + capped.droppedUnacknowledged == 0 {
            try await compactCursors()
        }
        report.bytesOnDisk = try await bytesOnDisk
        return report
    }

    /// The size cap alone (see ``enforceLimits(now:)``) with the cap `cap` on the database: ``databaseCap(_:)``
    /// of the configured cap, or the tighter one ``watchSpace()`` sets while the disk is low.
    ///
    /// A log that has reached its cap stays there: every second brings as many new rows as the cap must
    /// drop. Dropping them a second's worth at a time would be a transaction every second, and SQLite
    /// writes every deleted row's pages to the WAL: 260 bytes of WAL per row in 5,000-row deletes, 143 in
    /// 100,000-row ones (`scripts/wal-per-deleted-row.py`). So, once the file is over the cap:
    /// 1. acknowledged rows go, oldest first, until the rows in use fill at most the cap less a tenth
    ///    (``pruneHeadroom(_:)``): the oldest segments whole while at most a quarter of each must stay
    ///    (``dropOldestSegment()``: `DROP TABLE` writes the free list to the WAL, not the rows), then in
    ///    chunks of rows, each its own transaction (a backlog that reaches back to the oldest segment, a
    ///    log kept in one table before segments);
    /// 2. if that is not enough, readings not yet acknowledged and not taken in alarm go, oldest first,
    ///    only until the rows fit the cap (never more than needed; never events);
    /// 3. the pages above the cap are handed back to the file system (`PRAGMA incremental_vacuum(N)` moves
    ///    the last pages into free ones), the other freed pages stay in the file for the next appends, so
    ///    the file neither grows nor is rewritten;
    /// 4. the WAL is checkpointed and truncated after every segment and chunk, so it holds one chunk of
    ///    row deletes at most: a chunk is as many rows as write three quarters of ``walLimit``
    ///    (``rowsPerDelete(walPerRow:)``, measured on the chunk before; at most 100,000), so the WAL
    ///    stays within its limit; a dropped segment writes a few hundred KB at most.
    /// - Parameter lowDisk: deletes in chunks of at most 500 rows, down to the cap only, and hands every
    ///   freed page back at once, so that the WAL the deletes write fits in what is left of a nearly full disk.
    func applySizeCap(_ cap: Int, lowDisk: Bool = false) async throws -> LimitReport {
        var report = LimitReport()
        try await checkpoint()
        var pages = try await pageCounts()
        guard pages.file > cap else {
            report.bytesOnDisk = pages.file
            return report
        }
        let chunk = lowDisk ? 500 : 100_000
        let lowWater = lowDisk ? cap : cap - pruneHeadroom(cap)
        try await pool.read { db in try self.measureSegmentRows(db) }
        while pages.used > lowWater, let dropped = try await dropOldestSegment() {
            report.droppedAcknowledged += dropped
            if lowDisk {
                try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
            }
            try await checkpoint(noting: &report)
            pages = try await pageCounts()
        }
        var acknowledgedLeft = true
        let frameBytes = max(512, pages.file / max(1, pages.count)) + 24
        var walPerRow: Int?
        while pages.used > cap || (acknowledgedLeft && pages.used > lowWater) {
            let rows = try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT MAX(last) - MIN(first) + 1 FROM record_span") ?? 0
            }
            let perRow = max(1, pages.used / max(1, rows))
            let chunk = min(chunk, rowsPerDelete(walPerRow: walPerRow ?? 2 * perRow))
            var deleted: (rows: Int, frames: Int) = (0, 0)
            if acknowledgedLeft {
                let limit = min(chunk, max(64, (pages.used - lowWater) / perRow + 1))
                deleted = try await deleteChunk(where: Self.acknowledgedEverywhere, .sizeCapAcknowledged, limit: limit)
                report.droppedAcknowledged += deleted.rows
                acknowledgedLeft = deleted.rows == limit
            }
            if deleted.rows == 0 {
                guard pages.used > cap else { break }
                let limit = min(chunk, max(64, (pages.used - cap) / perRow + 1))
                deleted = try await deleteChunk(
                    where: "r.lane = 'reading' AND r.in_alarm = 0 AND NOT \(Self.acknowledgedEverywhere)",
                    .sizeCapUnacknowledged,
                    limit: limit
                )
                report.droppedUnacknowledged += deleted.rows
                if deleted.rows == 0 {
                    report.overCap = true
                    break
                }
            }
            // What this chunk wrote to the WAL per row sizes the next one.
            walPerRow = max(1, deleted.frames * frameBytes / deleted.rows)
            if lowDisk {
                try await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA incremental_vacuum") }
            }
            // Keeps the WAL, which the deletes fill, to one chunk (and, on a nearly full disk, from taking
            // the room they free).
            try await checkpoint(noting: &report)
            pages = try await pageCounts()
        }
        if pages.file > cap {
            let pageSize = max(1, pages.file / max(1, pages.count))
            var over = (pages.file - cap + pageSize - 1) / pageSize
            // Moving a page writes it, its parent and its pointer-map entry to the WAL: moved in steps of
            // an eighth of the WAL's limit, each checkpointed, the WAL stays within its limit (a few
            // seconds of appends over the cap are a few MB of pages to move).
            let step = max(16, walLimit / 8 / pageSize)
            while over > 0 {
                let moved = min(over, step)
                try await pool.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA incremental_vacuum(\(moved))")
                }
                try await checkpoint(noting: &report)
                over -= moved
            }
        }

        if report.droppedAcknowledged + report.droppedUnacknowledged > 0 {
            try await pool.write { db in try Segments.dropEmpty(db) }
            try await compactCursors()
        } else {
            try await checkpoint(noting: &report)
        }
        report.bytesOnDisk = try await bytesOnDisk
        return report
    }

    /// How many rows one delete of the size cap may take so that the WAL it writes, `walPerRow` bytes a
    /// row (every page the delete touches is written whole, with the free list and pointer map), fills
    /// at most three quarters of ``walLimit``. Appends wait while the delete holds the writer, and the
    /// first one after it starts the WAL over (``WALWatch``). Before this bound, a 100,000-row delete
    /// wrote about 14 MB of WAL against a 4 MiB limit.
    func rowsPerDelete(walPerRow: Int) -> Int {
        max(64, walLimit * 3 / 4 / max(1, walPerRow))
    }

    /// Deletes at most `limit` of the oldest rows that meet `condition`, in one transaction, counted as
    /// dropped for `reason`. Returns the rows and the frames the WAL held after the commit: what the
    /// delete wrote, or a little more when the WAL did not start over at its first write.
    private func deleteChunk(
        where condition: String,
        _ reason: DropReason,
        limit: Int
    ) async throws -> (rows: Int, frames: Int) {
        try await pool.writeWithoutTransaction { [walWatch] db in
            var rows = 0
            try db.inTransaction {
                rows = try Self.count(reason, Self.deleteOldest(where: condition, [], limit: limit, db), db)
                return .commit
            }
            return (rows, walWatch.frames.load(ordering: .relaxed))
        }
    }

    /// How far below the cap acknowledged rows are dropped once the log is over it: a tenth of the cap,
    /// so that a full log drops its oldest delivered rows in steps (about 2.5 minutes of 10,000 changing
    /// values a second under the default 2 GB) rather than a second's worth every second.
    func pruneHeadroom(_ cap: Int) -> Int {
        cap / 10
    }

    /// The database's pages: the file's size (`page_count × page_size`), the bytes of the pages in use
    /// (less the free list, which appends reuse before the file grows), and the page count.
    private func pageCounts() async throws -> (file: Int, used: Int, count: Int) {
        try await pool.read { db in
            let count = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            return (count * size, (count - free) * size, count)
        }
    }

    /// What the database may hold under a cap `cap` on the database and its WAL together: the cap less
    /// what the WAL may take (``walLimit``), at least half the cap.
    func databaseCap(_ cap: Int) -> Int {
        max(cap / 2, cap - walLimit)
    }

    /// Folds the cursors' ranges after rows were deleted, then checkpoints and truncates the WAL.
    private func compactCursors() async throws {
        try await pool.write { db in
            for destination in try String.fetchAll(db, sql: "SELECT name FROM destination") {
                for lane in Lane.allCases {
                    try Cursor.compact(destination: destination, lane: lane, db)
                }
            }
        }
        try await checkpoint()
    }

    /// Rows deleted so far, by ``DropReason`` raw value (every reason present, zero when none), persisted
    /// across restarts.
    public func dropCounts() async throws -> [String: Int] {
        try await pool.read { db in
            var counts = Dictionary(uniqueKeysWithValues: DropReason.allCases.map { ($0.rawValue, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT reason, count FROM dropped") {
                counts[row["reason"]] = row["count"]
            }
            return counts
        }
    }

    /// An SQL condition true when the record aliased `r` is acknowledged by every registered destination:
    /// inside one of its cursor ranges and not in one of its dead letters.
    static let acknowledgedEverywhere = """
        NOT EXISTS (SELECT 1 FROM destination d WHERE
            COALESCE((SELECT c.last FROM cursor c WHERE c.destination = d.name AND c.lane = r.lane
                AND c.first <= r.sequence ORDER BY c.first DESC LIMIT 1), 0) < r.sequence
            OR EXISTS (SELECT 1 FROM dead_letter_record x WHERE x.destination = d.name AND x.sequence = r.sequence))
        """

    /// Deletes up to `limit` rows that meet `condition` (on the record aliased `r`, with `arguments`),
    /// oldest segment first and in sequence order within each, and returns how many it deleted.
    static func deleteOldest(
        where condition: String,
        _ arguments: [any DatabaseValueConvertible],
        limit: Int,
        _ db: Database
    ) throws -> Int {
        var left = limit
        for table in try Segments.tables(db) where left > 0 {
            try db.execute(
                sql: """
                    DELETE FROM \(table) WHERE sequence IN (SELECT r.sequence FROM \(table) r
                    WHERE \(condition) ORDER BY r.sequence LIMIT ?)
                    """,
                arguments: StatementArguments(arguments + [left])
            )
            let deleted = db.changesCount
            try Segments.adjust(table, by: -deleted, db)
            left -= deleted
        }
        return limit - left
    }

    static func count(_ reason: DropReason, _ rows: Int, _ db: Database) throws -> Int {
        guard rows > 0 else { return 0 }
        try db.execute(
            sql: """
                INSERT INTO dropped (reason, count) VALUES (?, ?)
                ON CONFLICT (reason) DO UPDATE SET count = count + excluded.count
                """,
            arguments: [reason.rawValue, rows]
        )
        return rows
    }

    /// ``checkpoint(waitingAtMost:)``, after noting the WAL's size in `report`'s ``LimitReport/largestWAL``.
    private func checkpoint(noting report: inout LimitReport) async throws {
        report.largestWAL = max(report.largestWAL, Self.fileBytes(path + "-wal"))
        try await checkpoint()
    }

    /// ``DatabasePool/write(_:)`` for the appends of `rows` rows: one transaction, after
    /// ``WALWatch/letWALStartOver(_:rows:)`` (when the last commit left the WAL past its checkpoint
    /// threshold, or these rows would take it past its limit, up to 20 ms for the reads that still use
    /// it, so that this commit starts the WAL over instead of going on its end).
    func appendTransaction<T: Sendable>(rows: Int, _ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await pool.writeWithoutTransaction { [walWatch] db in
            walWatch.letWALStartOver(db, rows: rows)
            // The WAL hook takes the rows at the commit; an append that fails or rolls back leaves them
            // behind, and the next commit (an acknowledgement, a prune) would be measured as these rows.
            defer { walWatch.pendingRows.store(0, ordering: .relaxed) }
            var result: T?
            try db.inTransaction {
                result = try updates(db)
                return .commit
            }
            return result!
        }
    }

    /// After an append: when reads kept SQLite's automatic checkpoint from starting the WAL over, so
    /// that the append went on its end past ``walLimit``, checkpoints and truncates it, waiting at most
    /// 20 ms for the reads (which are short; a read started after the checkpoint does not need the
    /// WAL). Without it, the WAL went over its limit by a few appends in about 3 % of the seconds at
    /// 10,000 values a second (up to 3.2 MB against 1 MiB). Skipped when a read still runs: the next
    /// append tries again.
    func keepWALWithinLimit() async throws {
        guard Self.fileBytes(path + "-wal") > walLimit else { return }
        try await checkpoint(waitingAtMost: 20)
    }

    /// Checkpoints the WAL into the database file and truncates it. Skipped, not failed, while a reader
    /// still needs the WAL after a second (SQLITE_BUSY): the next pass does it. The wait holds up appends,
    /// so it is a second, not the log's usual five: readers that start while it waits read the database
    /// file, not the WAL, so only reads already running can keep it waiting.
    func checkpoint(waitingAtMost milliseconds: Int = 1000) async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = \(milliseconds)")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Self.busyTimeoutMilliseconds)") }
            do {
                _ = try db.checkpoint(.truncate)
                walWatch.frames.store(0, ordering: .relaxed)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                return
            }
        }
    }
}
