import Foundation
import GRDB
public import GatewayCore
import Synchronization

/// The gateway's durable log in SQLite: the local history (kept for ``LogOptions/retention``) and the
/// store-and-forward queue of every upstream destination.
///
/// A final class rather than an actor: it holds nothing mutable but a GRDB `DatabasePool`, which already
/// serializes writes on one connection and lets reads (history queries, batches, pending counts) run
/// beside them on reader connections. An actor would put an inspector's history query in line behind the
/// poller's appends for no gain. Every method uses GRDB's async accessors, so a caller waits without
/// blocking a thread of the cooperative pool.
///
/// Durability: the database is in WAL mode with `PRAGMA synchronous = FULL` (``LogOptions/Synchronous``),
/// set on the writer after GRDB's own WAL setup (which would otherwise leave it at NORMAL). An append
/// runs in one transaction and returns only after SQLite fsynced its commit into the WAL: a returned
/// append survives `kill -9` and power loss.
public final class DurableLog: ReadingSink {
    let pool: DatabasePool
    /// The options the log was opened with.
    public let options: LogOptions
    /// The file the log was opened at.
    public let path: String
    /// The log's identity: random, created with the log and stored in it, carried in every batch and
    /// heartbeat (`log_id`). A new log (deleted, replaced, moved aside) has a new one, so the platform
    /// can tell its sequence numbers, which start again at 1, from a replay of the old log's.
    public let logID: String
    /// Whether the log existed, was created, or replaced a corrupted file.
    public let start: LogStart
    /// The file's device and inode when it was opened.
    let identity: FileIdentity?
    /// What ``checkFile()`` found wrong with the file, once it found it.
    let fileState = Mutex<String?>(nil)
    /// The free-space state and the size cap in force (``watchSpace()``).
    let space: Mutex<SpaceState>
    /// Where each destination's live window last started (``liveWindowStart(after:liveFrom:end:for:_:)``).
    let windowStarts = Mutex<[WindowKey: WindowStart]>([:])
    /// The destinations this log object has registered or found registered, so that reading a batch
    /// does not look the destination up every time (``DurableLog/forget(destination:)`` takes it out).
    let registered = Mutex<Set<String>>([])
    /// How many sequence numbers the head segment is given before an append starts a new one
    /// (``LogOptions/segmentRows``, or measured: ``measureSegmentRows(_:)``).
    let segmentRows: Mutex<Int>
    /// The most the WAL may take: it is checkpointed at half of it (``walWatch``), cut
    /// back to it when it starts over (`journal_size_limit`), and checkpointed and truncated after an
    /// append that left it larger (``keepWALWithinLimit()``): an eighth of the size cap, from 256 KiB to
    /// 4 MiB (SQLite's own default size, reached from a 32 MB cap): room for a few commits of a
    /// 10,000-point cycle (0.6–1.9 MB each), so that a cycle stored late does not take it over.
    public let walLimit: Int
    /// Checkpoints the WAL at half of ``walLimit`` after a commit and lets the next append start it over
    /// (``appendTransaction(_:)``).
    let walWatch: WALWatch
    /// Yields when an append takes the database over the size cap in force; ``capExceeded``.
    let capContinuation: AsyncStream<Void>.Continuation
    /// Yields (at most one pending element) each time an append takes the database over the size cap in
    /// force, so that the cap is enforced at once (``watchSpace()``), not at the next periodic pass.
    /// One consumer: `chemgate run`'s log-limits service.
    public let capExceeded: AsyncStream<Void>

    /// Opens (or creates) the log at `path`, migrates its schema and registers `options.destinations`.
    ///
    /// Before anything is written, the file at `path` is checked: a file that is not a chemgate log
    /// (another program's SQLite database, any other file) is refused with ``LogOpeningError`` and left
    /// unchanged; a chemgate log that SQLite finds damaged (`PRAGMA quick_check`) is moved aside to
    /// `<path>.corrupt-<UTC time>` (with its `-wal` and `-shm`) and a new log is started when
    /// ``LogOptions/replaceCorrupt`` is set (``start`` says so, and a `log_replaced` event is its
    /// first entry); otherwise it is refused, unchanged.
    public init(path: String, options: LogOptions = LogOptions()) throws {
        var start = LogStart.existing
        switch LogFile.inspect(path: path) {
        case .absent:
            start = .created
        case .chemgate:
            break
        case .foreign(let reason):
            throw LogOpeningError(
                description: "\(path) is not a chemgate log: \(reason). It was not modified; set storage.path to "
                    + "a new file (or the right log), or move that file away"
            )
        case .corrupt(let problem) where !options.replaceCorrupt:
            throw LogOpeningError(
                description: "the log \(path) is corrupted (SQLite: \(problem)); `chemgate run` moves it aside and "
                    + "starts a new log; restore from backup or inspect with sqlite3 \(path)"
            )
        case .corrupt(let problem):
            let aside: String
            do {
                aside = try LogFile.moveAside(path: path)
            } catch {
                throw LogOpeningError(
                    description: "the log \(path) is corrupted (SQLite: \(problem)) and cannot be moved aside "
                        + "(\(error)); move it away by hand (with its -wal and -shm) to start a new log, or restore "
                        + "it from a backup"
                )
            }
            start = .replacedCorrupt(
                "the log \(path) was corrupted (SQLite: \(problem)); moved aside to \(aside); a new log was "
                    + "started; restore from backup or inspect with sqlite3 \(aside)"
            )
        }
        self.start = start
        self.path = path
        var configuration = Configuration()
        configuration.label = "Outbox"
        configuration.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1000)
        configuration.maximumReaderCount = Self.readers
        configuration.prepareDatabase { db in
            guard !db.configuration.readonly else {
                try db.execute(sql: "PRAGMA cache_size = -\(Self.readerCacheKiB)")
                return
            }
            // Must come before the first table exists (and before GRDB turns WAL on), so that deleted
            // pages can be handed back to the file system by `PRAGMA incremental_vacuum`. No effect on
            // an existing database.
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        self.options = options
        let walLimit = min(4 << 20, max(256 << 10, options.maxBytes / 8))
        self.walLimit = walLimit
        // The WAL is checkpointed once it holds half of walLimit and cut back to walLimit when it
        // restarts, instead of SQLite's default 1000 pages (4 MB) that a file never gives back. A
        // frame is a page and a 24-byte header, and the checkpoint runs after the commit that crossed
        // the threshold: the other half is room for that commit (two 10,000-point cycles).
        let pageSize = try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } ?? 4096
        let walWatch = WALWatch(
            threshold: max(16, walLimit / 2 / (max(512, pageSize) + 24)),
            limit: max(32, walLimit / (max(512, pageSize) + 24)),
            busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds
        )
        self.walWatch = walWatch
        space = Mutex(SpaceState(cap: max(options.maxBytes / 2, options.maxBytes - walLimit)))
        segmentRows = Mutex(options.segmentRows ?? Self.segmentRows(maxBytes: options.maxBytes, bytesPerRow: 200))
        (capExceeded, capContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(options.synchronous == .full ? "FULL" : "NORMAL")")
            walWatch.install(on: db)
            try db.execute(sql: "PRAGMA journal_size_limit = \(walLimit)")
            // Debian builds SQLite with SECURE_DELETE on: every page a delete frees is zeroed and written
            // again, into the WAL and then the file. FAST zeroes deleted rows only where their page is written
            // anyway: a 100,000-row delete of the record table's shape writes 16 % less WAL, 17 % faster.
            try db.execute(sql: "PRAGMA secure_delete = FAST")
        }
        try Schema.migrator.migrate(pool)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA application_id = \(LogFile.applicationID)")
        }
        let now = Timestamp.now().milliseconds
        logID = try pool.write { db in
            for destination in options.destinations {
                try Self.register(destination, now: now, db)
            }
            if case .replacedCorrupt(let text) = start {
                _ = try Self.insert(
                    [GatewayEvent(kind: .logReplaced, gateway: options.gateway, timestamp: .now(), reason: text)],
                    db
                )
            }
            return try String.fetchOne(db, sql: "SELECT id FROM log_identity") ?? ""
        }
        identity = LogFile.identity(path: path)
        // On the writer: a reader connection left open would keep the WAL from being folded in at close.
        try pool.writeWithoutTransaction { db in try measureSegmentRows(db) }
    }

    /// Closes the database connections. The log cannot be used afterwards.
    public func close() throws {
        try pool.close()
    }

    // MARK: - Appending

    /// Appends readings in one transaction and returns the sequence numbers they were given, once the
    /// commit is on disk; nil for an empty array.
    @discardableResult
    public func append(_ readings: [Reading]) async throws -> ClosedRange<Int64>? {
        guard !readings.isEmpty else { return nil }
        let sequences = try await appendTransaction(rows: readings.count) { db in
            defer { checkCap(db) }
            let sequences = try Self.insert(readings, db)
            try rollOver(db)
            return sequences
        }
        try await keepWALWithinLimit()
        return sequences
    }

    /// Appends events in one transaction and returns the sequence numbers they were given, once the commit
    /// is on disk; nil for an empty array. An `alarm_raised` event marks its point (or, without a point,
    /// its device) in alarm until the matching `alarm_cleared`: readings of it from the event's timestamp
    /// on are kept from the size cap.
    @discardableResult
    public func append(_ events: [GatewayEvent]) async throws -> ClosedRange<Int64>? {
        guard !events.isEmpty else { return nil }
        let sequences = try await appendTransaction(rows: events.count) { db in
            defer { checkCap(db) }
            let sequences = try Self.insert(events, db)
            try rollOver(db)
            return sequences
        }
        try await keepWALWithinLimit()
        return sequences
    }

    /// Appends events, then readings, in one transaction (one fsync): the poller's group commit of
    /// everything it read while the previous commit was being written.
    public func append(events: [GatewayEvent], readings: [Reading]) async throws {
        guard !events.isEmpty || !readings.isEmpty else { return }
        try await appendTransaction(rows: events.count + readings.count) { db in
            defer { checkCap(db) }
            _ = try Self.insert(events, db)
            _ = try Self.insert(readings, db)
            try rollOver(db)
        }
        try await keepWALWithinLimit()
    }

    /// ``ReadingSink``: ``append(_:)-(Reading)``, returning once the readings are on disk.
    public func store(_ readings: [Reading]) async throws {
        try await append(readings)
    }

    /// ``ReadingSink``: ``append(_:)-(GatewayEvent)``, returning once the events are on disk.
    public func store(_ events: [GatewayEvent]) async throws {
        try await append(events)
    }

    /// ``ReadingSink``: ``append(events:readings:)``, one transaction.
    public func store(events: [GatewayEvent], readings: [Reading]) async throws {
        try await append(events: events, readings: readings)
    }

    static func insert(_ readings: [Reading], _ db: Database) throws -> ClosedRange<Int64>? {
        try insert(groups: [readings], db)
    }

    /// Inserts the readings of every group, in order, as one run of consecutive sequence numbers (the
    /// poller's group commit hands over each device's readings as they came, not copied into one array).
    static func insert(groups: [[Reading]], _ db: Database) throws -> ClosedRange<Int64>? {
        let count = groups.reduce(0) { $0 + $1.count }
        guard count > 0 else { return nil }
        let active = Set(
            try Row.fetchAll(db.cachedStatement(sql: "SELECT device, point FROM active_alarm"))
                .map { AlarmKey(device: $0[0], point: $0[1]) }
        )
        func inAlarm(_ reading: Reading) -> Bool {
            !active.isEmpty
                && (active.contains(AlarmKey(device: reading.device, point: reading.point))
                    || active.contains(AlarmKey(device: reading.device, point: "")))
        }
        // Full groups of `perInsert` go in multi-row statements, the rest one row at a time; all in this
        // transaction, so the sequence numbers are consecutive and in the readings' order either way.
        let perInsert = RecordRow.readingsPerInsert
        let inFullGroups = count / perInsert * perInsert
        let multiRow = inFullGroups > 0 ? try db.cachedStatement(sql: RecordRow.insertReadings) : nil
        var first: Int64?
        var taken = 0
        // The multi-row statement binds its texts where `texts` keeps them; its bindings are cleared before
        // `texts` is freed, on every way out.
        let texts = BoundTexts()
        defer { withExtendedLifetime(texts) { if let multiRow { RecordRow.unbind(multiRow) } } }
        for group in groups {
            for reading in group {
                if let multiRow, taken < inFullGroups {
                    let row = taken % perInsert
                    // Once an append: after each execution the statement is reset, not cleared, and each row
                    // binds all of its parameters anew.
                    if taken == 0 { RecordRow.prepareForBinding(multiRow) }
                    try RecordRow.bind(reading, inAlarm: inAlarm(reading), row: row, to: multiRow, texts: texts)
                    if row == perInsert - 1 {
                        try withExtendedLifetime(texts) { try multiRow.execute() }
                        try RecordRow.resetForBinding(multiRow)
                        texts.rewind()
                        first = first ?? db.lastInsertedRowID - Int64(perInsert - 1)
                    }
                } else {
                    try db.cachedStatement(sql: RecordRow.insertReading)
                        .execute(arguments: RecordRow.arguments(reading, inAlarm: inAlarm(reading)))
                    first = first ?? db.lastInsertedRowID
                }
                taken += 1
            }
        }
        return first.map { $0...db.lastInsertedRowID }
    }

    static func insert(_ events: [GatewayEvent], _ db: Database) throws -> ClosedRange<Int64>? {
        guard !events.isEmpty else { return nil }
        let statement = try db.cachedStatement(sql: RecordRow.insertEvent)
        var first: Int64?
        for event in events {
            try statement.execute(arguments: RecordRow.arguments(event))
            first = first ?? db.lastInsertedRowID
            try Self.trackAlarm(event, db)
            try AlarmStateStore.trackMaintenance(event, db)
        }
        return first.map { $0...db.lastInsertedRowID }
    }

    /// The records with sequence numbers in `range`, in sequence order (deleted ones are missing).
    public func records(in range: ClosedRange<Int64>) async throws -> [Record] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(RecordRow.columns) FROM record WHERE sequence BETWEEN ? AND ? ORDER BY sequence",
                arguments: [range.lowerBound, range.upperBound]
            )
            .map { try RecordRow.decode($0) }
        }
    }

    /// The size of the database, `page_count × page_size`: what ``LogOptions/maxBytes`` caps. The WAL adds
    /// up to about ``walLimit`` (it is checkpointed at that size and truncated by ``enforceLimits(now:)``
    /// and ``watchSpace()``).
    public var bytesOnDisk: Int {
        get async throws {
            try await pool.read { db in try Self.databaseBytes(db) }
        }
    }

    // MARK: - Helpers

    /// Signals ``capExceeded`` when the database is over the cap in force (two cheap pragmas).
    func checkCap(_ db: Database) {
        guard let bytes = try? Self.databaseBytes(db), bytes > space.withLock({ $0.cap }) else { return }
        capContinuation.yield()
    }

    struct AlarmKey: Hashable {
        var device: String
        var point: String
    }

    static func databaseBytes(_ db: Database) throws -> Int {
        let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
        return pages * size
    }

    static func register(_ destination: String, now: Int64, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO destination (name, registered) VALUES (?, ?)",
            arguments: [destination, now]
        )
    }

    private static func trackAlarm(_ event: GatewayEvent, _ db: Database) throws {
        guard let device = event.device else { return }
        let point = event.point ?? ""
        switch event.kind {
        case .alarmRaised:
            try db.execute(
                sql: "INSERT OR IGNORE INTO active_alarm (device, point) VALUES (?, ?)",
                arguments: [device, point]
            )
            // Readings stored just before their alarm event belong to the alarm too.
            for table in try Segments.tables(db) {
                if let eventPoint = event.point {
                    try db.execute(
                        sql: """
                            UPDATE \(table) SET in_alarm = 1
                            WHERE device = ? AND point = ? AND timestamp >= ? AND lane = 'reading'
                            """,
                        arguments: [device, eventPoint, event.timestamp.milliseconds]
                    )
                } else {
                    try db.execute(
                        sql: """
                            UPDATE \(table) SET in_alarm = 1 WHERE device = ? AND timestamp >= ? AND lane = 'reading'
                            """,
                        arguments: [device, event.timestamp.milliseconds]
                    )
                }
            }
        case .alarmCleared:
            try db.execute(
                sql: "DELETE FROM active_alarm WHERE device = ? AND point = ?",
                arguments: [device, point]
            )
        default:
            break
        }
    }
}
