import GRDB
import Synchronization

extension DurableLog {
    /// Starts a new head segment once the head is full (``Segments/rollOver(segmentRows:_:)``); in the
    /// append's transaction, after its inserts.
    func rollOver(_ db: Database) throws {
        try Segments.rollOver(segmentRows: segmentRows.withLock { $0 }, db)
    }

    /// A segment's size in sequence numbers: a tenth of the size cap at `bytesPerRow`, at least 10,000.
    static func segmentRows(maxBytes: Int, bytesPerRow: Int) -> Int {
        max(10_000, maxBytes / 10 / max(1, bytesPerRow))
    }

    /// Sizes the segments to come from the rows on disk (the pages in use over the sequence numbers the
    /// segments span), unless ``LogOptions/segmentRows`` fixes it. A log without rows keeps the size it has.
    func measureSegmentRows(_ db: Database) throws {
        guard options.segmentRows == nil else { return }
        let row = try Row.fetchOne(db, sql: "SELECT MIN(first) AS low, MAX(last) AS high FROM record_span")
        guard let low = row?["low"] as Int64?, let high = row?["high"] as Int64?, high >= low else { return }
        let count = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
        let perRow = (count - free) * size / Int(high - low + 1)
        segmentRows.withLock { $0 = Self.segmentRows(maxBytes: options.maxBytes, bytesPerRow: perRow) }
    }

    /// Drops the oldest segment other than the head when what must stay of it is small: every
    /// destination has acknowledged its rows, except at most a quarter of them (pending for some
    /// destination, or in a dead letter), which are first copied into the head under their own sequence
    /// numbers. A segment of over twice the segment size (a log kept in one table before segments
    /// existed) is left to the row deletes.
    ///
    /// - Returns: the rows dropped (counted as ``DropReason/sizeCapAcknowledged``), or nil when the oldest
    ///   segment is not dropped whole (or there is only the head).
    func dropOldestSegment() async throws -> Int? {
        let rows = segmentRows.withLock { $0 }
        return try await pool.write { db -> Int? in
            guard let table = try Segments.tables(db).first, table != Segments.head else { return nil }
            guard let span = try Segments.span(of: table, db) else {
                try Segments.drop(table, db)
                return 0
            }
            let count = try Segments.count(of: table, db)
            guard count <= 2 * Int64(rows) else { return nil }
            var runs: [(lane: Lane, range: ClosedRange<Int64>)] = []
            var deadLetters: [String] = []
            var kept: Int64 = 0
            for destination in try String.fetchAll(db, sql: "SELECT name FROM destination") {
                for lane in Lane.allCases {
                    var gaps = Cursor.Gaps(
                        destination: destination,
                        lane: lane,
                        end: span.upperBound,
                        from: span.lowerBound
                    )
                    while let gap = try gaps.next(db) {
                        // A gap of the event lane spans the readings since its last event: count its rows.
                        let pending =
                            try Int64.fetchOne(
                                db,
                                sql: "SELECT COUNT(*) FROM \(table) WHERE lane = '\(lane.rawValue)' "
                                    + "AND sequence BETWEEN ? AND ?",
                                arguments: [gap.lowerBound, gap.upperBound]
                            ) ?? 0
                        guard pending > 0 else { continue }
                        runs.append((lane, gap))
                        kept += pending
                    }
                }
                let letters =
                    try Int64.fetchOne(
                        db,
                        sql:
                            "SELECT COUNT(*) FROM dead_letter_record WHERE destination = ? AND sequence BETWEEN ? AND ?",
                        arguments: [destination, span.lowerBound, span.upperBound]
                    ) ?? 0
                if letters > 0 { deadLetters.append(destination) }
                kept += letters
                guard kept <= count / 4 else { return nil }
            }
            let copy = """
                INSERT OR ROLLBACK INTO \(Segments.head) (\(Segments.columns))
                SELECT \(Segments.columns) FROM \(table) r
                WHERE NOT EXISTS (SELECT 1 FROM \(Segments.head) h WHERE h.sequence = r.sequence) AND
                """
            var copied = 0
            for run in runs {
                try db.execute(
                    sql: copy + " r.lane = ? AND r.sequence BETWEEN ? AND ?",
                    arguments: [run.lane.rawValue, run.range.lowerBound, run.range.upperBound]
                )
                copied += db.changesCount
            }
            for destination in deadLetters {
                try db.execute(
                    sql: copy
                        + """
                         r.sequence IN (SELECT x.sequence FROM dead_letter_record x
                        WHERE x.destination = ? AND x.sequence BETWEEN ? AND ?)
                        """,
                    arguments: [destination, span.lowerBound, span.upperBound]
                )
                copied += db.changesCount
            }
            try Segments.adjust(Segments.head, by: copied, db)
            try Segments.drop(table, db)
            return try Self.count(.sizeCapAcknowledged, Int(count) - copied, db)
        }
    }
}
