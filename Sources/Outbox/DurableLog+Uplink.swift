import GRDB
public import GatewayCore
import Synchronization

extension DurableLog {
    /// The next batch to send to `destination`, or nil when nothing is pending for it.
    ///
    /// A batch already read and not yet acknowledged, dead-lettered or split (``split(_:destination:)``)
    /// comes back first, exactly as it was read the first time: the same records, `backfill` labels and
    /// id (its membership is frozen in the log, so every transport's retry sends the same content under
    /// the same id). Batches whose id is in `inFlight` are skipped, for a transport that keeps several in
    /// flight; a new batch never holds a record of a frozen one, nor a record whose ``OrderKey`` is in
    /// one of the sets of `holding` (the keys of each batch in flight, ``Batch/orderKeys``; one set per
    /// batch, so no union of them is built for every read): such records stay pending for a later batch, so a
    /// point's records reach the platform in order even when a batch fails and a later one is accepted. A frozen batch that lost records since
    /// (the size cap dropped unacknowledged readings) comes back without them, under a new id.
    ///
    /// A new batch is filled, up to `maxRecords` and (approximately, by ``Record/estimatedBytes``)
    /// `maxBytes`, in this order:
    /// 1. pending events, oldest first (events always go before any reading);
    /// 2. live readings: every pending reading whose timestamp is within `liveWindow` of `now`, in
    ///    sequence order (so each point's readings stay in time order);
    /// 3. the backlog: every other pending reading, in sequence order.
    ///
    /// `backfill` is decided per record by its age alone: true when its timestamp is more than
    /// `liveWindow` before `now` (it is sent later than the live window because the uplink was behind or
    /// down). In normal operation nothing is marked backfill; the live readings go ahead of the backlog
    /// only while there is one.
    ///
    /// The first record is always taken, even when it alone exceeds `maxBytes`, so the queue cannot stall.
    /// Registers `destination` if it is new.
    public func nextBatch(
        for destination: String,
        maxRecords: Int,
        maxBytes: Int? = nil,
        liveWindow: Duration,
        now: Timestamp = .now(),
        excluding inFlight: Set<String> = [],
        holding held: [Set<OrderKey>] = []
    ) async throws -> Batch? {
        guard maxRecords > 0 else { return nil }
        try await registerIfNeeded(destination)
        let gateway = options.gateway
        let logID = logID
        let liveFrom = now.milliseconds - liveWindow.wholeMilliseconds
        let found = try await pool.read { db -> [Record]? in
            // A frozen batch waits: it goes first (read back in a write, as it may have to be re-keyed).
            guard try !SentBatches.hasBatch(of: destination, excluding: inFlight, db) else { return nil }
            let frozen = try SentBatches.members(of: destination, db)
            var filler = BatchFiller(maxRecords: maxRecords, maxBytes: maxBytes)
            let extent = try Segments.Extent(db)
            let end = extent.end

            var eventGaps = Cursor.Gaps(destination: destination, lane: .event, end: end)
            while !filler.isFull, let gap = try eventGaps.next(db) {
                let rows = try Row.fetchAll(
                    db.cachedStatement(sql: Self.eventsBetween(in: extent.source(from: gap.lowerBound))),
                    arguments: [gap.lowerBound, gap.upperBound, filler.room + frozen.count]
                )
                for row in rows where !filler.isFull && !frozen.contains(row[RecordRow.sequenceColumn]) {
                    let timestamp: Int64 = row[RecordRow.timestampColumn]
                    let record = try RecordRow.decode(row, backfill: timestamp < liveFrom)
                    if !Self.isHeld(OrderKey(record), by: held) {
                        filler.add(record)
                    } else {
                        filler.skip()
                    }
                }
            }
            guard !filler.isFull else { return filler.records }

            // Live: the pending readings of the window, in sequence order. Only readings from the first
            // pending one on can be pending, and none before the first reading of the window (found through
            // the timestamp index), so a large backlog is not scanned for every batch.
            var probe = Cursor.Gaps(destination: destination, lane: .reading, end: end)
            guard let firstPending = try probe.next(db)?.lowerBound else { return filler.records }
            // At most this many readings can be pending: room for them at once, not grown by doubling
            // (at 10,000 values a second the doublings of a 5,000-record batch cost page faults on fresh
            // memory, 1 % of the gateway's CPU).
            filler.reserve(Int(clamping: end - firstPending + 1))
            let windowStart = try liveWindowStart(
                after: firstPending,
                liveFrom: liveFrom,
                end: end,
                headFrom: extent.headFrom,
                for: WindowKey(destination: destination, liveWindow: liveWindow.wholeMilliseconds),
                db
            )
            var liveTaken = Set<Int64>()
            if windowStart > firstPending {
                // A backlog exists: the window goes first, then the backlog.
                try Self.walkReadings(
                    destination: destination,
                    from: windowStart,
                    extent: extent,
                    skipping: frozen,
                    holding: held,
                    filler: &filler,
                    db
                ) { record in
                    guard record.timestamp.milliseconds >= liveFrom else { return false }
                    liveTaken.insert(record.sequence)
                    return true
                }
            }
            try Self.walkReadings(
                destination: destination,
                from: firstPending,
                extent: extent,
                skipping: frozen.union(liveTaken),
                holding: held,
                filler: &filler,
                db
            ) { _ in true }
            for index in filler.records.indices where filler.records[index].timestamp.milliseconds < liveFrom {
                filler.records[index].backfill = true
            }
            return filler.records
        }
        guard let records = found else {
            if let frozen = try await pool.write({ db in
                try SentBatches.next(for: destination, excluding: inFlight, gateway: gateway, logID: logID, db)
            }) {
                return frozen
            }
            // Every frozen batch had lost all its records: they are gone now, read anew.
            return try await nextBatch(
                for: destination,
                maxRecords: maxRecords,
                maxBytes: maxBytes,
                liveWindow: liveWindow,
                now: now,
                excluding: inFlight,
                holding: held
            )
        }
        guard !records.isEmpty else { return nil }
        let batch = Batch(destination: destination, records: records, logID: logID, gateway: gateway)
        try await pool.write { db in try SentBatches.freeze(batch, db) }
        return batch
    }

    /// Adds the pending readings from sequence `from` on, in sequence order, that `take` accepts and whose
    /// point is not `held`, until the batch is full.
    private static func walkReadings(
        destination: String,
        from: Int64,
        extent: Segments.Extent,
        skipping: Set<Int64>,
        holding held: [Set<OrderKey>],
        filler: inout BatchFiller,
        _ db: Database,
        take: (Record) -> Bool
    ) throws {
        var gaps = Cursor.Gaps(destination: destination, lane: .reading, end: extent.end, from: from)
        while !filler.isFull, let gap = try gaps.next(db) {
            var position = gap.lowerBound
            while !filler.isFull, position <= gap.upperBound {
                // A cursor, not copied rows: each column is read straight from the statement (GRDB's fast
                // path), and a row skipped or left once the batch is full is never copied at all.
                let rows = try Row.fetchCursor(
                    db.cachedStatement(sql: Self.readingsBetween(in: extent.source(from: position))),
                    arguments: [position, gap.upperBound, filler.room + skipping.count]
                )
                var last: Int64?
                while !filler.isFull, let row = try rows.next() {
                    let sequence: Int64 = row[RecordRow.sequenceColumn]
                    last = sequence
                    if skipping.contains(sequence) { continue }
                    if !held.isEmpty,
                        isHeld(
                            OrderKey(
                                readingOf: row[RecordRow.deviceColumn] ?? "",
                                point: row[RecordRow.pointColumn] ?? ""
                            ),
                            by: held
                        )
                    {
                        filler.skip()  // its point is in flight: it stays pending, undecoded
                        continue
                    }
                    let record = try RecordRow.decode(row)
                    if take(record) { filler.add(record) }
                }
                guard let last else { break }
                position = last + 1
            }
        }
    }

    /// Whether a batch in flight holds `key`.
    private static func isHeld(_ key: OrderKey, by held: [Set<OrderKey>]) -> Bool {
        held.contains { $0.contains(key) }
    }

    /// Marks exactly the batch's sequence numbers acknowledged by `destination`, and by no other
    /// destination. Idempotent: acknowledging twice changes nothing.
    public func acknowledge(_ batch: Batch, destination: String) async throws {
        let now = Timestamp.now().milliseconds
        try await pool.write { db in
            try Self.register(destination, now: now, db)
            for lane in Lane.allCases {
                try Cursor.add(batch.sequences(of: lane), lane: lane, destination: destination, db)
            }
            try SentBatches.release(batch.batchID, destination: destination, db)
        }
    }

    /// The events with sequence numbers in a range, from `source` (``Segments/Extent/source(from:)``).
    static func eventsBetween(in source: String) -> String {
        source == Segments.head ? eventsBetweenInHead : eventsBetweenInLog
    }

    /// The readings with sequence numbers in a range, from `source` (``Segments/Extent/source(from:)``).
    static func readingsBetween(in source: String) -> String {
        source == Segments.head ? readingsBetweenInHead : readingsBetweenInLog
    }

    private static let eventsBetweenInLog = eventsBetween(from: "record")
    private static let eventsBetweenInHead = eventsBetween(from: Segments.head)
    private static let readingsBetweenInLog = readingsBetween(from: "record")
    private static let readingsBetweenInHead = readingsBetween(from: Segments.head)

    private static func eventsBetween(from table: String) -> String {
        """
        SELECT \(RecordRow.columns) FROM \(table)
        WHERE lane = 'event' AND sequence BETWEEN ? AND ? ORDER BY sequence LIMIT ?
        """
    }

    private static func readingsBetween(from table: String) -> String {
        """
        SELECT \(RecordRow.columns) FROM \(table)
        WHERE lane = 'reading' AND sequence BETWEEN ? AND ? ORDER BY sequence LIMIT ?
        """
    }

    /// Where the live window starts in sequence order, as far as
    /// ``nextBatch(for:maxRecords:maxBytes:liveWindow:now:excluding:holding:)`` needs it: a sequence number
    /// above `firstPending` when there is a backlog (pending readings ahead of the window), `firstPending`
    /// or less otherwise.
    ///
    /// While the uplink keeps up, the first record from `firstPending` on is within the window, so there is
    /// no backlog and the window is not looked for. Otherwise (a backlog, or a stale reading carrying its
    /// last good time) the window's first sequence number is read, without reading the whole window:
    /// - the window only moves forward, and no row is ever added below a sequence number already used,
    ///   so every row before where the window last started (for the same destination and window, at an
    ///   earlier or equal `liveFrom`) is older than the window now: the start is the first row from
    ///   there on that is inside it, a walk over the rows that left the window since;
    /// - the first time, or when `liveFrom` went back, it is the least sequence number of the rows in
    ///   the window, through the timestamp index: every entry inside the window (100,000 of them at
    ///   10,000 values a second with the default 10 s window).
    ///
    /// `headFrom`: every record from this sequence number on is in the head
    /// (``Segments/Extent/headFrom``), where the first record is found with one seek.
    func liveWindowStart(
        after firstPending: Int64,
        liveFrom: Int64,
        end: Int64,
        headFrom: Int64 = .max,
        for key: WindowKey,
        _ db: Database
    ) throws -> Int64 {
        let first = try Int64.fetchOne(
            db.cachedStatement(sql: firstPending >= headFrom ? Self.firstRecordTimeInHead : Self.firstRecordTime),
            arguments: [firstPending]
        )
        if let first, first >= liveFrom { return firstPending }
        let known = windowStarts.withLock { $0[key] }
        let found: Int64?
        if let known, known.liveFrom <= liveFrom {
            found = try Int64.fetchOne(
                db.cachedStatement(sql: Self.windowStartAfter),
                arguments: [known.sequence, liveFrom]
            )
        } else {
            found = try Int64.fetchOne(db.cachedStatement(sql: Self.windowStartSQL), arguments: [liveFrom])
        }
        guard let found else { return end + 1 }
        windowStarts.withLock { starts in
            if let current = starts[key], current.liveFrom > liveFrom { return }
            starts[key] = WindowStart(liveFrom: liveFrom, sequence: found)
        }
        return found
    }

    static let firstRecordTime = "SELECT timestamp FROM record WHERE sequence >= ? ORDER BY sequence LIMIT 1"

    /// ``firstRecordTime`` when the head holds every record from that sequence number on: one seek,
    /// where the view seeks every segment and merges them.
    static let firstRecordTimeInHead =
        "SELECT timestamp FROM \(Segments.head) WHERE sequence >= ? ORDER BY sequence LIMIT 1"

    static let windowStartSQL = "SELECT MIN(sequence) FROM record WHERE timestamp >= ?"

    static let windowStartAfter = """
        SELECT sequence FROM record WHERE sequence >= ? AND timestamp >= ? ORDER BY sequence LIMIT 1
        """

    /// Sets the batch aside for `destination` with `reason`: it shows in ``deadLetters(destination:)`` and
    /// leaves that destination's queue (its records stay in the log and are not acknowledged, so retention
    /// keeps them). Dead-lettering the same batch id again changes nothing.
    public func deadLetter(_ batch: Batch, destination: String, reason: String, now: Timestamp = .now()) async throws {
        try await pool.write { db in
            try Self.register(destination, now: now.milliseconds, db)
            try SentBatches.release(batch.batchID, destination: destination, db)
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
                try Cursor.add(batch.sequences(of: lane), lane: lane, destination: destination, db)
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
            let extent = try Segments.Extent(db)
            var count = 0
            var oldest: Int64?
            for lane in Lane.allCases {
                var gaps = Cursor.Gaps(destination: destination, lane: lane, end: extent.end)
                while let gap = try gaps.next(db) {
                    let row = try Row.fetchOne(
                        db.cachedStatement(sql: Self.pendingSQL(lane, in: extent.source(from: gap.lowerBound))),
                        arguments: [gap.lowerBound, gap.upperBound]
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

    /// The count and earliest time of `lane`'s records in a range of sequence numbers, from `source`
    /// (``Segments/Extent/source(from:)``). A gap within the head is counted in the head alone: through
    /// the view, SQLite runs an aggregate of a `UNION ALL` as a co-routine over every segment, copying
    /// every column of every row (4 ms for 5,000 pending readings in a log of 12 segments, 0.9 ms in the
    /// head), and the literal lane lets the event lane use its partial index.
    static func pendingSQL(_ lane: Lane, in source: String) -> String {
        switch (lane, source == Segments.head) {
        case (.event, true): pendingEventsInHead
        case (.event, false): pendingEventsInLog
        case (.reading, true): pendingReadingsInHead
        case (.reading, false): pendingReadingsInLog
        }
    }

    private static let pendingEventsInHead = pendingSQL(lane: "event", from: Segments.head)
    private static let pendingEventsInLog = pendingSQL(lane: "event", from: "record")
    private static let pendingReadingsInHead = pendingSQL(lane: "reading", from: Segments.head)
    private static let pendingReadingsInLog = pendingSQL(lane: "reading", from: "record")

    private static func pendingSQL(lane: String, from table: String) -> String {
        "SELECT COUNT(*) AS n, MIN(timestamp) AS t FROM \(table) WHERE lane = '\(lane)' AND sequence BETWEEN ? AND ?"
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
        registered.withLock { _ = $0.remove(destination) }
    }

    /// Registers `destination` unless this log object already knows it registered. (Its
    /// acknowledgements register it again in their own transaction, so a destination forgotten by
    /// another process is back in the table by the first batch it acknowledges.)
    private func registerIfNeeded(_ destination: String) async throws {
        guard !registered.withLock({ $0.contains(destination) }) else { return }
        let known = try await pool.read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM destination WHERE name = ?)"),
                arguments: [destination]
            )
        }
        if known != true {
            let now = Timestamp.now().milliseconds
            try await pool.write { db in try Self.register(destination, now: now, db) }
        }
        registered.withLock { _ = $0.insert(destination) }
    }
}

/// Collects records for a batch within a record count and an approximate byte budget.
private struct BatchFiller {
    let maxRecords: Int
    let maxBytes: Int?
    /// The records taken, in batch order (their `backfill` is set once the batch is complete).
    var records: [Record] = []
    private var bytes = 0
    private var closed = false

    init(maxRecords: Int, maxBytes: Int?) {
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
    }

    /// Records passed over because a batch in flight holds their point: the walk stops after as many as
    /// the batch may hold, so a log whose every pending point is in flight is not read to its end.
    private var skipped = 0

    var room: Int { max(0, maxRecords - records.count) }
    var isFull: Bool { closed || records.count >= maxRecords || skipped >= max(maxRecords, 1000) }

    mutating func skip() { skipped += 1 }

    /// Makes room for up to `count` more records, no more than the batch may hold by count and by
    /// `maxBytes` (no record is estimated under ``Record/estimatedOverhead``).
    mutating func reserve(_ count: Int) {
        var most = min(room, count)
        if let maxBytes { most = min(most, max(1, maxBytes / Record.estimatedOverhead + 1 - records.count)) }
        records.reserveCapacity(records.count + most)
    }

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
