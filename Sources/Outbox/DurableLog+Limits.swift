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
    /// Size cap: while `page_count × page_size` exceeds the cap in force (``LogOptions/maxBytes`` less
    /// ``walLimit``, so that database and WAL together stay within it; less still while free space is
    /// low, see ``watchSpace(now:)``), deletes in chunks, oldest
    /// first, (a) rows every destination has acknowledged, then (b) readings some destination has not
    /// acknowledged, except readings taken while their point was in alarm. Events are never dropped. After
    /// each chunk, `PRAGMA incremental_vacuum` hands the freed pages back (the database is created with
    /// `auto_vacuum = INCREMENTAL`), so the measured size falls, and the WAL is checkpointed and truncated;
    /// no full `VACUUM`, which would rewrite the whole file and need as much free space again.
    ///
    /// Every deleted row is counted by ``DropReason`` in the persisted `dropped` table. Each chunk is its
    /// own transaction, so appends are not held up for the whole pass.
    @discardableResult
    public func enforceLimits(now: Timestamp = .now()) async throws -> LimitReport {
        var report = LimitReport()
        let cutoff = now.milliseconds - options.retention.wholeMilliseconds
        let chunk = 5000
        while true {
            let deleted = try await pool.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM record WHERE sequence IN (SELECT r.sequence FROM record r
                        WHERE r.timestamp < ? AND \(Self.acknowledgedEverywhere) LIMIT ?)
                        """,
                    arguments: [cutoff, chunk]
                )
                return try Self.count(.retention, db.changesCount, db)
            }
            report.droppedForRetention += deleted
            if deleted < chunk { break }
        }
        report.keptPastRetention = try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record WHERE timestamp < ?", arguments: [cutoff]) ?? 0
        }

        let capped = try await applySizeCap(space.withLock { $0.cap })
        report.droppedAcknowledged = capped.droppedAcknowledged
        report.droppedUnacknowledged = capped.droppedUnacknowledged
        report.overCap = capped.overCap
        if report.droppedForRetention > 0 && capped.droppedAcknowledged + capped.droppedUnacknowledged == 0 {
            try await compactCursors()
        }
        report.bytesOnDisk = try await bytesOnDisk
        return report
    }

    /// The size cap alone (see ``enforceLimits(now:)``) with the cap `cap` on the database (its WAL is
    /// checkpointed and truncated first and after each chunk): ``databaseCap(_:)`` of the configured cap,
    /// or the tighter one ``watchSpace()`` sets while the disk is low.
    /// - Parameter lowDisk: deletes in chunks of at most 500 rows, so that the WAL the deletes write fits
    ///   in what is left of a nearly full disk.
    func applySizeCap(_ cap: Int, lowDisk: Bool = false) async throws -> LimitReport {
        var report = LimitReport()
        try await checkpoint()
        var size = try await bytesOnDisk
        while size > cap {
            let rows = try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT MAX(sequence) - MIN(sequence) + 1 FROM record") ?? 0
            }
            let perRow = max(1, size / max(1, rows))
            let limit = min(lowDisk ? 500 : 50_000, max(64, (size - cap) / perRow + 1))
            let acknowledged = try await pool.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM record WHERE sequence IN (SELECT r.sequence FROM record r
                        WHERE \(Self.acknowledgedEverywhere) ORDER BY r.sequence LIMIT ?)
                        """,
                    arguments: [limit]
                )
                return try Self.count(.sizeCapAcknowledged, db.changesCount, db)
            }
            report.droppedAcknowledged += acknowledged
            if acknowledged == 0 {
                let unacknowledged = try await pool.write { db in
                    try db.execute(
                        sql: """
                            DELETE FROM record WHERE sequence IN (SELECT r.sequence FROM record r
                            WHERE r.lane = 'reading' AND r.in_alarm = 0 AND NOT \(Self.acknowledgedEverywhere)
                            ORDER BY r.sequence LIMIT ?)
                            """,
                        arguments: [limit]
                    )
                    return try Self.count(.sizeCapUnacknowledged, db.changesCount, db)
                }
                report.droppedUnacknowledged += unacknowledged
                if unacknowledged == 0 {
                    report.overCap = true
                    break
                }
            }
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA incremental_vacuum")
            }
            // Keeps the WAL, which the deletes fill, from taking the room they free (on a nearly full disk).
            try await checkpoint()
            size = try await bytesOnDisk
        }

        if report.droppedAcknowledged + report.droppedUnacknowledged > 0 {
            try await compactCursors()
        }
        report.bytesOnDisk = try await bytesOnDisk
        return report
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

    private static func count(_ reason: DropReason, _ rows: Int, _ db: Database) throws -> Int {
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

    /// Checkpoints the WAL into the database file and truncates it. Skipped, not failed, while a reader
    /// still needs the WAL (SQLITE_BUSY): the next pass does it.
    func checkpoint() async throws {
        try await pool.writeWithoutTransaction { db in
            do {
                _ = try db.checkpoint(.truncate)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                return
            }
        }
    }
}
