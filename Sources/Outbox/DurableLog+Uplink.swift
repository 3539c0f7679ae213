import GRDB
public import GatewayCore

extension DurableLog {
    /// The next batch to send to `destination`, or nil when nothing is pending for it.
    ///
    /// The batch is filled, up to `maxRecords` and (approximately, by ``Record/estimatedBytes``) `maxBytes`,
    /// in this order:
    /// 1. pending events, oldest first (events always go before any reading); `backfill` when older than
    ///    `liveWindow`;
    /// 2. live readings: for each point, its newest reading in the log, when that reading is pending and
    ///    its timestamp is within `liveWindow` of `now` (newest first if they do not all fit), `backfill`
    ///    false;
    /// 3. the backlog: every other pending reading, in sequence order, `backfill` true.
    ///
    /// The first record is always taken, even when it alone exceeds `maxBytes`, so the queue cannot stall.
    /// Reading a batch changes nothing: the same state gives the same batch (and ``Batch/batchID``) until
    /// it is acknowledged or dead-lettered. Registers `destination` if it is new.
    public func nextBatch(
        for destination: String,
        maxRecords: Int,
        maxBytes: Int? = nil,
        liveWindow: Duration,
        now: Timestamp = .now()
    ) async throws -> Batch? {
        guard maxRecords > 0 else { return nil }
        try await registerIfNeeded(destination)
        let liveFrom = now.milliseconds - liveWindow.wholeMilliseconds
        let records = try await pool.read { db in
            var filler = BatchFiller(maxRecords: maxRecords, maxBytes: maxBytes)
            let end = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM record") ?? 0

            var eventGaps = Cursor.Gaps(destination: destination, lane: .event, end: end)
            while !filler.isFull, let gap = try eventGaps.next(db) {
                let rows = try Row.fetchAll(
                    db.cachedStatement(sql: Self.eventsBetween),
                    arguments: [gap.lowerBound, gap.upperBound, filler.room]
                )
                for row in rows where !filler.isFull {
                    let timestamp: Int64 = row[RecordRow.timestampColumn]
                    filler.add(try RecordRow.decode(row, backfill: timestamp < liveFrom))
                }
            }
            guard !filler.isFull else { return filler.records }

            // Live: the newest reading of each point within the window, when it is still pending. Only
            // readings from the first pending one on can be pending, so the scan starts there (in steady
            // state, just the last few hundred milliseconds), and only the chosen rows are decoded.
            var readingGaps = Cursor.Gaps(destination: destination, lane: .reading, end: end)
            var probe = readingGaps
            guard let firstPending = try probe.next(db)?.lowerBound else { return filler.records }
            // …and no earlier than the first reading of the window (through the timestamp index), so that
            // a large backlog is not scanned for every batch.
            let windowStart =
                try Int64.fetchOne(db.cachedStatement(sql: Self.liveWindowStart), arguments: [liveFrom]) ?? end + 1
            let window = try Row.fetchCursor(
                db.cachedStatement(sql: Self.liveWindow),
                arguments: ["destination": destination, "from": liveFrom, "first": max(firstPending, windowStart)]
            )
            var seenPoints = Set<DurableLog.AlarmKey>()
            var live: [Record] = []
            // Newest first: once the batch's room is reached, older candidates would not fit anyway.
            while live.count < filler.room, let row = try window.next() {
                let key = DurableLog.AlarmKey(device: row[RecordRow.deviceColumn], point: row[RecordRow.pointColumn])
                guard seenPoints.insert(key).inserted, row[RecordRow.columnCount] as Bool else { continue }
                live.append(try RecordRow.decode(row))
            }
            var liveTaken = Set<Int64>()
            var liveFitting: [Record] = []
            var liveBytes = 0
            for record in live {
                liveBytes += record.estimatedBytes
                guard filler.canTake(count: liveFitting.count + 1, bytes: liveBytes) else { break }
                liveFitting.append(record)
                liveTaken.insert(record.sequence)
            }
            for record in liveFitting.sorted(by: { $0.sequence < $1.sequence }) {
                filler.add(record)
            }

            while !filler.isFull, let gap = try readingGaps.next(db) {
                var from = gap.lowerBound
                while !filler.isFull, from <= gap.upperBound {
                    let rows = try Row.fetchAll(
                        db.cachedStatement(sql: Self.readingsBetween),
                        arguments: [from, gap.upperBound, filler.room + liveTaken.count]
                    )
                    guard let lastRow = rows.last else { break }
                    for row in rows where !filler.isFull && !liveTaken.contains(row[RecordRow.sequenceColumn]) {
                        filler.add(try RecordRow.decode(row, backfill: true))
                    }
                    from = (lastRow[RecordRow.sequenceColumn] as Int64) + 1
                }
            }
            return filler.records
        }
        return records.isEmpty ? nil : Batch(destination: destination, records: records, logID: logID)
    }

    /// Marks exactly the batch's sequence numbers acknowledged by `destination`, and by no other
    /// destination. Idempotent: acknowledging twice changes nothing.
    public func acknowledge(_ batch: Batch, destination: String) async throws {
        let now = Timestamp.now().milliseconds
        try await pool.write { db in
            try Self.register(destination, now: now, db)
            for lane in Lane.allCases {
                let sequences = batch.records.filter { $0.lane == lane }.map(\.sequence)
                try Cursor.add(sequences, lane: lane, destination: destination, db)
            }
        }
    }

    static let eventsBetween = """
        SELECT \(RecordRow.columns) FROM record
        WHERE lane = 'event' AND sequence BETWEEN ? AND ? ORDER BY sequence LIMIT ?
        """

    static let readingsBetween = """
        SELECT \(RecordRow.columns) FROM record
        WHERE lane = 'reading' AND sequence BETWEEN ? AND ? ORDER BY sequence LIMIT ?
        """

    static let liveWindowStart = "SELECT MIN(sequence) FROM record INDEXED BY record_timestamp WHERE timestamp >= ?"

    static let liveWindow = """
        SELECT \(RecordRow.columns), \(Cursor.pendingCondition) AS pending FROM record r
        WHERE lane = 'reading' AND sequence >= :first AND timestamp >= :from ORDER BY sequence DESC
        """

    /// Sets the batch aside for `destination` with `reason`: it shows in ``deadLetters(destination:)`` and
    /// leaves that destination's queue (its records stay in the log and are not acknowledged, so retention
    /// keeps them). Dead-lettering the same batch id again changes nothing.
    public func deadLetter(_ batch: Batch, destination: String, reason: String, now: Timestamp = .now()) async throws {
        try await pool.write { db in
            try Self.register(destination, now: now.milliseconds, db)
            let known = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM dead_letter WHERE destination = ? AND batch_id = ?)",
                arguments: [destination, batch.batchID]
            )
            guard known != true else { return }
            try db.execute(
                sql: "INSERT INTO dead_letter (destination, batch_id, reason, time) VALUES (?, ?, ?, ?)",
                arguments: [destination, batch.batchID, reason, now.milliseconds]
            )
            let id = db.lastInsertedRowID
            for record in batch.records {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO dead_letter_record (dead_letter, destination, sequence, lane)
                        VALUES (?, ?, ?, ?)
                        """,
                    arguments: [id, destination, record.sequence, record.lane.rawValue]
                )
            }
            for lane in Lane.allCases {
                let sequences = batch.records.filter { $0.lane == lane }.map(\.sequence)
                try Cursor.add(sequences, lane: lane, destination: destination, db)
            }
        }
    }

    /// The dead letters of `destination`, oldest first.
    public func deadLetters(destination: String) async throws -> [DeadLetter] {
        try await pool.read { db in
            let letters = try Row.fetchAll(
                db,
                sql: "SELECT id, batch_id, reason, time FROM dead_letter WHERE destination = ? ORDER BY id",
                arguments: [destination]
            )
            return try letters.map { row in
                let id: Int64 = row["id"]
                let sequences = try Int64.fetchAll(
                    db,
                    sql: "SELECT sequence FROM dead_letter_record WHERE dead_letter = ? ORDER BY sequence",
                    arguments: [id]
                )
                return DeadLetter(
                    id: id,
                    destination: destination,
                    batchID: row["batch_id"],
                    reason: row["reason"],
                    time: Timestamp(milliseconds: row["time"]),
                    sequences: sequences
                )
            }
        }
    }

    /// Puts the dead letters of `destination` back in its queue (only those with an id in `ids`, when
    /// given) and returns how many records were requeued. The forwarder sends them again, in their lanes
    /// and order; a batch of exactly the records it held before carries the same batch id.
    @discardableResult
    public func retryDeadLetters(destination: String, ids: [Int64]? = nil) async throws -> Int {
        try await pool.write { db in
            let chosen = ids.map { " AND dead_letter IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT sequence, lane FROM dead_letter_record WHERE destination = ?" + chosen,
                arguments: [destination]
            )
            for lane in Lane.allCases {
                let sequences = rows.filter { $0["lane"] == lane.rawValue }.map { $0["sequence"] as Int64 }
                try Cursor.remove(sequences, lane: lane, destination: destination, db)
            }
            let letters = ids.map { " AND id IN (\($0.map(String.init).joined(separator: ",")))" } ?? ""
            try db.execute(sql: "DELETE FROM dead_letter WHERE destination = ?" + letters, arguments: [destination])
            return rows.count
        }
    }

    /// How many records are pending for `destination` (neither acknowledged nor dead-lettered), and the
    /// timestamp of the oldest of them. Does not register the destination.
    public func pending(for destination: String) async throws -> (records: Int, oldestUnacknowledged: Timestamp?) {
        try await pool.read { db in
            let end = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM record") ?? 0
            var count = 0
            var oldest: Int64?
            for lane in Lane.allCases {
                var gaps = Cursor.Gaps(destination: destination, lane: lane, end: end)
                while let gap = try gaps.next(db) {
                    let row = try Row.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) AS n, MIN(timestamp) AS t FROM record "
                            + "WHERE lane = ? AND sequence BETWEEN ? AND ?",
                        arguments: [lane.rawValue, gap.lowerBound, gap.upperBound]
                    )
                    count += row?["n"] ?? 0
                    if let earliest = row?["t"] as Int64? {
                        oldest = min(oldest ?? earliest, earliest)
                    }
                }
            }
            return (count, oldest.map(Timestamp.init(milliseconds:)))
        }
    }

    /// The registered destinations, in name order.
    public func destinations() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM destination ORDER BY name")
        }
    }

    /// Unregisters a destination that is gone for good: its cursor and dead letters are deleted and
    /// retention no longer waits for it.
    public func forget(destination: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM destination WHERE name = ?", arguments: [destination])
        }
    }

    private func registerIfNeeded(_ destination: String) async throws {
        let known = try await pool.read { db in
            try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM destination WHERE name = ?)",
                arguments: [destination]
            )
        }
        guard known != true else { return }
        let now = Timestamp.now().milliseconds
        try await pool.write { db in try Self.register(destination, now: now, db) }
    }
}

/// Collects records for a batch within a record count and an approximate byte budget.
private struct BatchFiller {
    let maxRecords: Int
    let maxBytes: Int?
    private(set) var records: [Record] = []
    private var bytes = 0
    private var closed = false

    init(maxRecords: Int, maxBytes: Int?) {
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
    }

    var room: Int { max(0, maxRecords - records.count) }
    var isFull: Bool { closed || records.count >= maxRecords }

    /// True when `count` more records of `bytes` in all fit after the records already taken.
    func canTake(count: Int, bytes extra: Int) -> Bool {
        guard !closed, records.count + count <= maxRecords else { return false }
        guard let maxBytes, !(records.isEmpty && count == 1) else { return true }
        return bytes + extra <= maxBytes
    }

    /// Adds `record`, or closes the batch when it would go over `maxBytes` (the first record always fits).
    mutating func add(_ record: Record) {
        guard !isFull else { return }
        let size = record.estimatedBytes
        if let maxBytes, !records.isEmpty, bytes + size > maxBytes {
            closed = true
            return
        }
        records.append(record)
        bytes += size
    }
}
