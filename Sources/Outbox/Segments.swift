import GRDB

/// The log's records, kept in segments: tables of the `record` table's shape, each holding a run of
/// sequence numbers, so that the size cap can drop the oldest rows as a whole table.
///
/// A `DELETE` writes every page it changes to the WAL (about 140–260 bytes of WAL per deleted row,
/// `scripts/wal-per-deleted-row.py`): at the 2 GB cap, a prune step of acknowledged rows took the WAL
/// to about 100 MB while the uplink's reads kept it from being restarted. `DROP TABLE` frees the
/// table's pages without writing them: only the free-list and pointer-map pages it updates reach the
/// WAL (about 130 KB for a 4 MB table, well within the WAL's limit).
///
/// - `record_head` is the newest segment: every append goes there. Once it holds ``LogOptions``'s
///   segment size worth of sequence numbers, an append renames it `record_<n>` (its number) and
///   creates a new, empty `record_head` that continues the sequence (``rollOver(segmentRows:_:)``).
/// - `segment` is the catalogue: `number` (ascending with age, the head's is the highest), `name` (the
///   table), `first`, the first sequence number the segment was given, and `adjust`, the rows copied
///   into it less the rows deleted from it: with the last number it was given (its `sqlite_sequence`
///   row, renamed with it) that is its row count, known without reading the table
///   (``count(of:_:)``).
/// - The view `record` is every segment's rows (`UNION ALL`, oldest segment first): every read goes
///   through it, and SQLite runs a query on it as a merge of the same query on each segment, each with
///   its own indexes. The view `record_span` has one row per segment: its `name`, and the least and
///   greatest sequence number in it (`first`, `last`; `NULL` for an empty one), each read by index.
/// - Sequence numbers come from the head's `sqlite_sequence` row (AUTOINCREMENT), which a new head
///   takes over, so a number is never used twice, even after every segment was dropped.
/// - Rows of a segment that must stay when it is dropped (not acknowledged by some destination, or in
///   a dead letter) are first copied into the head, under their own sequence numbers.
enum Segments {
    static let head = "record_head"

    /// Every column of a segment, in the order the migrations made them (the views list them all).
    static let columns = """
        sequence, lane, gateway, device, point, indicator, link, value_type, value, unit, quality_level, \
        quality_reason, timestamp, report, event_kind, alarm_level, limit_value, reason, source_sequence, \
        in_alarm, clock, raw, stale_since
        """

    /// The check on a segment's `value_type` (NULL passes, as in any `CHECK`). Written as comparisons, not
    /// as `value_type IN ('number', 'bool', 'text')`: SQLite (3.40) compiles an `IN` list of more than two
    /// constants in a `CHECK` into a temporary index that the insert builds anew for every row (open or
    /// clear it, insert the three values, search it): 0.6 µs of the 3.9 µs a row of the multi-row insert
    /// cost, binding included (`scripts/value-type-check.py`), 0.006 core at 10,000 readings a second.
    /// The comparisons are three compares of registers.
    static let valueTypeCheck = "value_type = 'number' OR value_type = 'bool' OR value_type = 'text'"

    /// Migration `value_type checked by comparisons`: a head created with the `IN (…)` check of earlier
    /// releases (see ``valueTypeCheck``) is renamed into a segment of its own and a new head takes the
    /// appends (an empty one is dropped), so every append from now on runs the cheaper check. SQLite
    /// cannot change a table's `CHECK` in place; the older segments keep theirs, and nothing is inserted
    /// into them any more.
    static func renewHeadWithListCheck(_ db: Database) throws {
        let definition = try String.fetchOne(
            db,
            sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
            arguments: [head]
        )
        guard let definition, definition.contains("value_type IN (") else { return }
        try rollOver(segmentRows: 0, db)
        try dropEmpty(db)
    }

    /// The segment tables, oldest first (the head last).
    static func tables(_ db: Database) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM segment ORDER BY number"))
    }

    /// Whether a segment holds a record older than `cutoff` (milliseconds), from each segment's least
    /// timestamp by its index. A retention query that finds nothing is a scan of every row: SQLite
    /// walks the rows in sequence order to honour `ORDER BY sequence LIMIT` (a minute's retention check
    /// read the whole log, 2 GB at the default cap); this reads a few pages per segment.
    static func hasRecords(olderThan cutoff: Int64, _ db: Database) throws -> Bool {
        for table in try tables(db) {
            if let oldest = try Int64.fetchOne(db, sql: "SELECT MIN(timestamp) FROM \(table)"), oldest < cutoff {
                return true
            }
        }
        return false
    }

    /// The least and greatest sequence number in `table`; nil when it is empty.
    static func span(of table: String, _ db: Database) throws -> ClosedRange<Int64>? {
        let row = try Row.fetchOne(
            db,
            sql: "SELECT (SELECT MIN(sequence) FROM \(table)) AS low, (SELECT MAX(sequence) FROM \(table)) AS high"
        )
        guard let low = row?["low"] as Int64?, let high = row?["high"] as Int64? else { return nil }
        return low...high
    }

    /// The rows in segment `table`, from the catalogue: the sequence numbers it was given, plus the rows
    /// copied into it, less the rows deleted from it. A `COUNT(*)` of a segment of a 2 GB log reads
    /// tens of MB and held the WAL (a read) or the appends (the writer) for as long.
    static func count(of table: String, _ db: Database) throws -> Int64 {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT s.first, s.adjust, q.seq FROM segment s LEFT JOIN sqlite_sequence q ON q.name = s.name
                WHERE s.name = ?
                """,
            arguments: [table]
        )
        guard let row else { return 0 }
        let first: Int64 = row[0]
        let adjust: Int64 = row[1]
        let last = (row[2] as Int64?) ?? first - 1
        return last - first + 1 + adjust
    }

    /// Records that `rows` rows were copied into (positive) or deleted from (negative) segment `table`.
    static func adjust(_ table: String, by rows: Int, _ db: Database) throws {
        guard rows != 0 else { return }
        try db.execute(sql: "UPDATE segment SET adjust = adjust + ? WHERE name = ?", arguments: [rows, table])
    }

    /// Where the log's records lie: ``end``, and `headFrom`, the sequence number from which on every
    /// record is in the head, so that a read from there reads the head alone instead of merging every
    /// segment (what a forwarder that keeps up reads).
    struct Extent {
        var end: Int64 = 0
        var headFrom: Int64 = 0

        init(_ db: Database) throws {
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT name, last FROM record_span")) {
                guard let last = row[1] as Int64? else { continue }
                end = max(end, last)
                if row[0] as String != Segments.head { headFrom = max(headFrom, last + 1) }
            }
        }

        /// The source for a read of sequence numbers from `low` on: the head, or the view `record`.
        func source(from low: Int64) -> String {
            low >= headFrom ? Segments.head : "record"
        }
    }

    /// Renames the head `record_<n>` and starts a new head once the head was given `segmentRows`
    /// sequence numbers or more. Runs in the append's transaction, after its inserts.
    static func rollOver(segmentRows: Int, _ db: Database) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT s.number, s.first, q.seq FROM segment s JOIN sqlite_sequence q ON q.name = s.name
                        WHERE s.name = 'record_head'
                        """
                )
            )
        else { return }
        let number: Int64 = row[0]
        let first: Int64 = row[1]
        let last: Int64 = row[2]
        guard last - first + 1 >= Int64(segmentRows) else { return }
        try dropViews(db)
        try db.execute(sql: "ALTER TABLE \(head) RENAME TO record_\(number)")
        try db.execute(sql: "UPDATE segment SET name = ? WHERE number = ?", arguments: ["record_\(number)", number])
        try createHead(number: number + 1, after: last, db)
        try createViews(db)
    }

    /// Creates an empty head, segment `number`, whose first record gets sequence number `last + 1`.
    static func createHead(number: Int64, after last: Int64, _ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE \(head) (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    lane TEXT NOT NULL CHECK (lane IN ('event', 'reading')),
                    gateway TEXT NOT NULL,
                    device TEXT,
                    point TEXT,
                    indicator TEXT,
                    link TEXT,
                    value_type TEXT CHECK (\(valueTypeCheck)),
                    value,
                    unit TEXT,
                    quality_level TEXT,
                    quality_reason TEXT,
                    timestamp INTEGER NOT NULL,
                    report TEXT,
                    event_kind TEXT,
                    alarm_level TEXT,
                    limit_value REAL,
                    reason TEXT,
                    source_sequence INTEGER NOT NULL,
                    in_alarm INTEGER NOT NULL DEFAULT 0,
                    clock TEXT,
                    raw TEXT,
                    stale_since INTEGER
                );
                CREATE INDEX record_\(number)_device_time ON \(head)(device, timestamp);
                CREATE INDEX record_\(number)_timestamp ON \(head)(timestamp);
                CREATE INDEX record_\(number)_event ON \(head)(sequence) WHERE lane = 'event';
                INSERT INTO sqlite_sequence (name, seq) VALUES ('\(head)', \(last));
                INSERT INTO segment (number, name, first) VALUES (\(number), '\(head)', \(last + 1));
                """
        )
    }

    /// Drops the segment `table` (never the head) and its catalogue entry.
    static func drop(_ table: String, _ db: Database) throws {
        precondition(table != head, "the head segment is never dropped")
        try dropViews(db)
        try db.execute(sql: "DROP TABLE \(table)")
        try db.execute(sql: "DELETE FROM segment WHERE name = ?", arguments: [table])
        try createViews(db)
    }

    /// Drops the segments other than the head that hold no row.
    static func dropEmpty(_ db: Database) throws {
        for table in try tables(db) where table != head {
            if try span(of: table, db) == nil { try drop(table, db) }
        }
    }

    static func dropViews(_ db: Database) throws {
        try db.execute(sql: "DROP VIEW IF EXISTS record; DROP VIEW IF EXISTS record_span")
    }

    /// (Re)creates the views `record` and `record_span` over the catalogue's segments.
    static func createViews(_ db: Database) throws {
        let tables = try tables(db)
        let rows = tables.map { "SELECT \(columns) FROM \($0)" }.joined(separator: " UNION ALL ")
        let spans = tables.map {
            "SELECT '\($0)' AS name, (SELECT MIN(sequence) FROM \($0)) AS first, (SELECT MAX(sequence) FROM \($0)) AS last"
        }
        try db.execute(
            sql: """
                CREATE VIEW record AS \(rows);
                CREATE VIEW record_span AS \(spans.joined(separator: " UNION ALL "));
                """
        )
    }

    /// Migration `segmented record`: the `record` table becomes the head, segment 1.
    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE segment (
                    number INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    first INTEGER NOT NULL,
                    adjust INTEGER NOT NULL DEFAULT 0
                );
                ALTER TABLE record RENAME TO \(head);
                INSERT INTO sqlite_sequence (name, seq)
                    SELECT '\(head)', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '\(head)');
                INSERT INTO segment (number, name, first) VALUES (1, '\(head)', COALESCE(
                    (SELECT MIN(sequence) FROM \(head)),
                    (SELECT seq + 1 FROM sqlite_sequence WHERE name = '\(head)')));
                -- The rows the size cap and retention deleted from the log before: counted once, here.
                UPDATE segment SET adjust = (SELECT COUNT(*) FROM \(head))
                    - ((SELECT seq FROM sqlite_sequence WHERE name = '\(head)') - first + 1);
                """
        )
        try createViews(db)
    }
}
