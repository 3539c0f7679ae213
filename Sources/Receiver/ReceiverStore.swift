internal import Crypto
internal import Foundation
internal import GRDB
public import GatewayCore
public import UplinkPayload

/// What the receiver received, in its own SQLite file (WAL): batches, records, events,
/// heartbeats and refused requests.
///
/// A batch is stored in one transaction that first looks its batch_id up, so a retry that races
/// the original can neither be stored twice nor be lost.
public final class ReceiverStore: Sendable {
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    // MARK: Writing

    /// Stores `batch` unless its batch_id was stored before.
    ///
    /// - Returns: how many events and records were stored, or `duplicate` for a batch_id seen before
    ///   with the same content (`sent_at` aside).
    /// - Throws: `ReceiverStoreError.conflict` when the batch_id, or one of the sequence numbers, was
    ///   received before with different content; nothing of the batch is stored then.
    public func store(
        _ batch: BatchPayload,
        compressed: Bool,
        bodyBytes: Int,
        receivedAt: Timestamp = .now()
    ) async throws -> BatchOutcome {
        let digest = Self.contentDigest(batch)
        return try await pool.write { db in
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT content_digest FROM batches WHERE batch_id = ?",
                arguments: [batch.batchID]
            ) {
                guard row["content_digest"] as String == digest else {
                    throw ReceiverStoreError.conflict(
                        "batch_id \(batch.batchID) was received before with different content"
                    )
                }
                try db.execute(
                    sql: "UPDATE batches SET duplicates = duplicates + 1 WHERE batch_id = ?",
                    arguments: [batch.batchID]
                )
                return BatchOutcome(accepted: 0, duplicate: true)
            }
            let log = Stream(gateway: batch.gateway, logID: batch.logID ?? "")
            let isNewLog =
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM batches WHERE gateway = ? AND log_id = ?",
                    arguments: [log.gateway, log.logID]
                ) == 0
            let previousLogs =
                isNewLog
                ? try String.fetchAll(
                    db,
                    sql:
                        "SELECT log_id FROM batches WHERE gateway = ? AND log_id != ? GROUP BY log_id ORDER BY MIN(rowid)",
                    arguments: [log.gateway, log.logID]
                ) : []
            let newEvents = try batch.events.filter { try !Self.alreadyStored(event: $0, of: log, db) }
            let newRecords = try batch.records.filter { try !Self.alreadyStored(record: $0, of: log, db) }
            let accepted = newEvents.count + newRecords.count
            let alreadyReceived = batch.events.count + batch.records.count - accepted
            try db.execute(
                sql: """
                    INSERT INTO batches (batch_id, gateway, enterprise, received_at, sent_at, first_seq, last_seq,
                      event_count, record_count, accepted, already_received, compressed, body_bytes, content_digest,
                      log_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    batch.batchID, batch.gateway, batch.enterprise, receivedAt.milliseconds, batch.sentAt.milliseconds,
                    Int64(batch.firstSeq), Int64(batch.lastSeq), batch.events.count, batch.records.count, accepted,
                    alreadyReceived, compressed, bodyBytes, digest, log.logID,
                ]
            )
            for event in newEvents { try Self.insert(event, of: log, batchID: batch.batchID, db) }
            for record in newRecords { try Self.insert(record, of: log, batchID: batch.batchID, db) }
            var outcome = BatchOutcome(accepted: accepted, duplicate: false, alreadyReceived: alreadyReceived)
            outcome.previousLogs = previousLogs
            return outcome
        }
    }

    /// Stores a heartbeat.
    public func store(_ heartbeat: HeartbeatPayload, receivedAt: Timestamp = .now()) async throws {
        let content = String(decoding: heartbeat.encode(), as: UTF8.self)
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO heartbeats (gateway, enterprise, time, received_at, content) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    heartbeat.gateway, heartbeat.enterprise, heartbeat.time.milliseconds, receivedAt.milliseconds,
                    content,
                ]
            )
        }
    }

    /// Notes a refused batch or heartbeat request, for `/counts` and for whoever reads the file.
    public func recordRejection(path: String, status: Int, reason: String, at time: Timestamp = .now()) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO rejections (received_at, path, status, reason) VALUES (?, ?, ?, ?)",
                arguments: [time.milliseconds, path, status, reason]
            )
        }
    }

    // MARK: Reading

    /// Totals and sequence gaps.
    public func counts() async throws -> ReceiverCounts {
        try await pool.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            let gaps = try Row.fetchAll(
                db,
                sql: """
                    WITH received AS (
                      SELECT gateway, log_id, seq FROM records UNION SELECT gateway, log_id, seq FROM events
                    ),
                    bounds AS (
                      SELECT gateway, log_id, MIN(first_seq) AS low, MAX(last_seq) AS high FROM batches
                      GROUP BY gateway, log_id
                    ),
                    between_received AS (
                      SELECT gateway, log_id, LAG(seq) OVER (PARTITION BY gateway, log_id ORDER BY seq) + 1 AS from_seq,
                        seq - 1 AS to_seq
                      FROM received
                    ),
                    edges AS (
                      SELECT b.gateway, b.log_id, b.low AS from_seq, MIN(r.seq) - 1 AS to_seq
                      FROM bounds b JOIN received r ON r.gateway = b.gateway AND r.log_id = b.log_id
                      GROUP BY b.gateway, b.log_id, b.low
                      UNION ALL
                      SELECT b.gateway, b.log_id, MAX(r.seq) + 1 AS from_seq, b.high AS to_seq
                      FROM bounds b JOIN received r ON r.gateway = b.gateway AND r.log_id = b.log_id
                      GROUP BY b.gateway, b.log_id, b.high
                    )
                    SELECT gateway, log_id, from_seq, to_seq FROM between_received
                    WHERE from_seq IS NOT NULL AND from_seq <= to_seq
                    UNION ALL
                    SELECT gateway, log_id, from_seq, to_seq FROM edges WHERE from_seq <= to_seq
                    ORDER BY gateway, log_id, from_seq
                    """
            )
            .map { row in
                SequenceGap(
                    gateway: row["gateway"],
                    from: UInt64(row["from_seq"] as Int64),
                    to: UInt64(row["to_seq"] as Int64),
                    logID: row["log_id"]
                )
            }
            return ReceiverCounts(
                batches: try count("SELECT COUNT(*) FROM batches"),
                records: try count("SELECT COUNT(*) FROM records"),
                events: try count("SELECT COUNT(*) FROM events"),
                duplicates: try count("SELECT COALESCE(SUM(duplicates), 0) FROM batches"),
                alreadyReceived: try count("SELECT COALESCE(SUM(already_received), 0) FROM batches"),
                heartbeats: try count("SELECT COUNT(*) FROM heartbeats"),
                rejected: try count("SELECT COUNT(*) FROM rejections"),
                gaps: gaps,
                // Arrival order is insertion order (rowid).
                outOfOrder: try count(
                    """
                    SELECT COUNT(*) FROM (
                      SELECT seq, MAX(seq) OVER (
                        PARTITION BY gateway, log_id, device, point, backfill ORDER BY rowid
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
                      FROM records
                    ) WHERE seq < earlier
                    """
                )
            )
        }
    }

    /// The newest record per (gateway, device, point), by `ts` then `seq`, ordered by gateway,
    /// device and point.
    public func latest() async throws -> [LatestPoint] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT gateway, content FROM (
                      SELECT gateway, device, point, content, ROW_NUMBER() OVER (
                        PARTITION BY gateway, device, point ORDER BY ts DESC, seq DESC) AS rank
                      FROM records
                    ) WHERE rank = 1 ORDER BY gateway, device, point
                    """
            )
            .map { row in LatestPoint(gateway: row["gateway"], record: try Self.decodeRecord(row["content"])) }
        }
    }

    /// Every stored reading of `gateway`, by sequence number.
    public func readings(gateway: String) async throws -> [Reading] {
        try await pool.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT content FROM records WHERE gateway = ? ORDER BY seq",
                arguments: [gateway]
            )
            .map { try Self.decodeRecord($0).reading(gateway: gateway) }
        }
    }

    /// Every stored event of `gateway`, by sequence number.
    public func events(gateway: String) async throws -> [GatewayEvent] {
        try await pool.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT content FROM events WHERE gateway = ? ORDER BY seq",
                arguments: [gateway]
            )
            .map { try Self.decodeEvent($0).gatewayEvent(gateway: gateway) }
        }
    }

    /// The stored heartbeats of `gateway`, oldest first.
    public func heartbeats(gateway: String) async throws -> [HeartbeatPayload] {
        try await pool.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT content FROM heartbeats WHERE gateway = ? ORDER BY id",
                arguments: [gateway]
            )
            .map { try HeartbeatPayload.decode(from: Data($0.utf8)) }
        }
    }

    /// The stored batch with `batchID`, if any.
    public func batch(id batchID: String) async throws -> StoredBatch? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM batches WHERE batch_id = ?", arguments: [batchID]).map { row in
                StoredBatch(
                    batchID: row["batch_id"],
                    gateway: row["gateway"],
                    enterprise: row["enterprise"],
                    receivedAt: Timestamp(milliseconds: row["received_at"]),
                    sentAt: Timestamp(milliseconds: row["sent_at"]),
                    firstSeq: UInt64(row["first_seq"] as Int64),
                    lastSeq: UInt64(row["last_seq"] as Int64),
                    eventCount: row["event_count"],
                    recordCount: row["record_count"],
                    accepted: row["accepted"],
                    alreadyReceived: row["already_received"],
                    compressed: row["compressed"],
                    bodyBytes: row["body_bytes"],
                    duplicates: row["duplicates"]
                )
            }
        }
    }

    // MARK: Internals

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE batches (
                      batch_id TEXT PRIMARY KEY NOT NULL,
                      gateway TEXT NOT NULL,
                      enterprise TEXT NOT NULL,
                      received_at INTEGER NOT NULL,
                      sent_at INTEGER NOT NULL,
                      first_seq INTEGER NOT NULL,
                      last_seq INTEGER NOT NULL,
                      event_count INTEGER NOT NULL,
                      record_count INTEGER NOT NULL,
                      accepted INTEGER NOT NULL,
                      already_received INTEGER NOT NULL,
                      compressed BOOLEAN NOT NULL,
                      body_bytes INTEGER NOT NULL,
                      content_digest TEXT NOT NULL,
                      duplicates INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE records (
                      gateway TEXT NOT NULL,
                      seq INTEGER NOT NULL,
                      batch_id TEXT NOT NULL REFERENCES batches(batch_id),
                      device TEXT NOT NULL,
                      point TEXT NOT NULL,
                      indicator TEXT,
                      value TEXT,
                      unit TEXT,
                      quality TEXT NOT NULL,
                      reason TEXT,
                      ts INTEGER NOT NULL,
                      report TEXT NOT NULL,
                      backfill BOOLEAN NOT NULL,
                      content TEXT NOT NULL,
                      PRIMARY KEY (gateway, seq)
                    );
                    CREATE INDEX records_by_point ON records (gateway, device, point, ts, seq);
                    CREATE TABLE events (
                      gateway TEXT NOT NULL,
                      seq INTEGER NOT NULL,
                      batch_id TEXT NOT NULL REFERENCES batches(batch_id),
                      event TEXT NOT NULL,
                      device TEXT,
                      point TEXT,
                      link TEXT,
                      indicator TEXT,
                      level TEXT,
                      value TEXT,
                      limit_value REAL,
                      unit TEXT,
                      ts INTEGER NOT NULL,
                      reason TEXT NOT NULL,
                      content TEXT NOT NULL,
                      PRIMARY KEY (gateway, seq)
                    );
                    CREATE TABLE heartbeats (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      gateway TEXT NOT NULL,
                      enterprise TEXT NOT NULL,
                      time INTEGER NOT NULL,
                      received_at INTEGER NOT NULL,
                      content TEXT NOT NULL
                    );
                    CREATE TABLE rejections (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      received_at INTEGER NOT NULL,
                      path TEXT NOT NULL,
                      status INTEGER NOT NULL,
                      reason TEXT NOT NULL
                    );
                    """
            )
        }
        // Sequence numbers are per gateway and log (`log_id`): rebuilt tables with the log in their key.
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    ALTER TABLE batches ADD COLUMN log_id TEXT NOT NULL DEFAULT '';
                    CREATE TABLE records_v2 (
                      gateway TEXT NOT NULL,
                      log_id TEXT NOT NULL DEFAULT '',
                      seq INTEGER NOT NULL,
                      batch_id TEXT NOT NULL REFERENCES batches(batch_id),
                      device TEXT NOT NULL,
                      point TEXT NOT NULL,
                      indicator TEXT,
                      value TEXT,
                      unit TEXT,
                      quality TEXT NOT NULL,
                      reason TEXT,
                      ts INTEGER NOT NULL,
                      report TEXT NOT NULL,
                      backfill BOOLEAN NOT NULL,
                      content TEXT NOT NULL,
                      PRIMARY KEY (gateway, log_id, seq)
                    );
                    INSERT INTO records_v2 (gateway, seq, batch_id, device, point, indicator, value, unit, quality,
                      reason, ts, report, backfill, content)
                    SELECT gateway, seq, batch_id, device, point, indicator, value, unit, quality, reason, ts, report,
                      backfill, content
                    FROM records ORDER BY rowid;
                    DROP TABLE records;
                    ALTER TABLE records_v2 RENAME TO records;
                    CREATE INDEX records_by_point ON records (gateway, device, point, ts, seq);
                    CREATE TABLE events_v2 (
                      gateway TEXT NOT NULL,
                      log_id TEXT NOT NULL DEFAULT '',
                      seq INTEGER NOT NULL,
                      batch_id TEXT NOT NULL REFERENCES batches(batch_id),
                      event TEXT NOT NULL,
                      device TEXT,
                      point TEXT,
                      link TEXT,
                      indicator TEXT,
                      level TEXT,
                      value TEXT,
                      limit_value REAL,
                      unit TEXT,
                      ts INTEGER NOT NULL,
                      reason TEXT NOT NULL,
                      content TEXT NOT NULL,
                      PRIMARY KEY (gateway, log_id, seq)
                    );
                    INSERT INTO events_v2 (gateway, seq, batch_id, event, device, point, link, indicator, level, value,
                      limit_value, unit, ts, reason, content)
                    SELECT gateway, seq, batch_id, event, device, point, link, indicator, level, value, limit_value,
                      unit, ts, reason, content
                    FROM events ORDER BY rowid;
                    DROP TABLE events;
                    ALTER TABLE events_v2 RENAME TO events;
                    """
            )
        }
        registerProfileMigrations(&migrator)
        // Why a record's time may be wrong (`unsynchronised`, `stepped`), or NULL: the record's `clock`.
        migrator.registerMigration("records_clock") { db in
            try db.execute(sql: "ALTER TABLE records ADD COLUMN clock TEXT")
        }
        return migrator
    }

    /// SHA-256 of the batch as encoded with `sent_at` zeroed: equal for every retry of one batch.
    private static func contentDigest(_ batch: BatchPayload) -> String {
        var normalized = batch
        normalized.sentAt = Timestamp(milliseconds: 0)
        return UplinkSignature.hex(Array(SHA256.hash(data: normalized.encode())))
    }

    /// One sequence: a gateway's log. A new log (another `log_id`) starts its sequence again, so the
    /// receiver keys sequence numbers by gateway and log id (it is itself one destination).
    struct Stream {
        var gateway: String
        var logID: String

        /// `gateway G` or `gateway G, log L`, for messages.
        var description: String { logID.isEmpty ? "gateway \(gateway)" : "gateway \(gateway), log \(logID)" }
    }

    /// Whether `seq` of `log` is stored; throws a conflict when it is, but as something else.
    private static func alreadyStored(event: BatchEvent, of log: Stream, _ db: Database) throws -> Bool {
        guard let stored = try storedItem(log, seq: event.sequence, db) else { return false }
        guard stored.table == "events", try decodeEvent(stored.content) == event else {
            throw conflict(log, seq: event.sequence, batchID: stored.batchID)
        }
        return true
    }

    private static func alreadyStored(record: BatchRecord, of log: Stream, _ db: Database) throws -> Bool {
        guard let stored = try storedItem(log, seq: record.sequence, db) else { return false }
        var storedRecord = try decodeRecord(stored.content)
        // A re-sent record may be flagged as backfill the second time; it is still the same reading.
        storedRecord.backfill = record.backfill
        guard stored.table == "records", storedRecord == record else {
            throw conflict(log, seq: record.sequence, batchID: stored.batchID)
        }
        return true
    }

    private static func conflict(_ log: Stream, seq: UInt64, batchID: String) -> ReceiverStoreError {
        .conflict("seq \(seq) of \(log.description) was received before, in batch \(batchID), with different content")
    }

    private static func storedItem(
        _ log: Stream,
        seq: UInt64,
        _ db: Database
    ) throws -> (table: String, batchID: String, content: String)? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT 'records' AS source, batch_id, content FROM records
                    WHERE gateway = ?1 AND log_id = ?3 AND seq = ?2
                    UNION ALL
                    SELECT 'events' AS source, batch_id, content FROM events
                    WHERE gateway = ?1 AND log_id = ?3 AND seq = ?2
                    """
            ),
            arguments: [log.gateway, Int64(seq), log.logID]
        )
        return row.map { ($0["source"], $0["batch_id"], $0["content"]) }
    }

    private static func insert(_ event: BatchEvent, of log: Stream, batchID: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO events (gateway, seq, batch_id, event, device, point, link, indicator, level, value,
                  limit_value, unit, ts, reason, content, log_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                log.gateway, Int64(event.sequence), batchID, event.kind.rawValue, event.device, event.point, event.link,
                event.indicator, event.level?.rawValue, valueJSON(event.value), event.limit, event.unit,
                event.timestamp.milliseconds, event.reason, String(decoding: PayloadJSON.encode(event), as: UTF8.self),
                log.logID,
            ]
        )
    }

    private static func insert(_ record: BatchRecord, of log: Stream, batchID: String, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO records (gateway, seq, batch_id, device, point, indicator, value, unit, quality, reason,
                  ts, report, backfill, content, log_id, clock)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                log.gateway, Int64(record.sequence), batchID, record.device, record.point, record.indicator,
                valueJSON(record.value), record.unit, record.quality.level.rawValue, record.quality.reason?.description,
                record.timestamp.milliseconds, record.report.rawValue, record.backfill,
                String(decoding: PayloadJSON.encode(record), as: UTF8.self), log.logID, record.clock?.rawValue,
            ]
        )
    }

    /// The value as JSON text (`30`, `true`, `"abc"`), for queries on the database file.
    private static func valueJSON(_ value: Value?) -> String? {
        guard let value else { return nil }
        let codable = CodableValue(value)
        guard codable.isEncodable else { return nil }
        return String(decoding: PayloadJSON.encode(codable), as: UTF8.self)
    }

    private static func decodeRecord(_ content: String) throws -> BatchRecord {
        try JSONDecoder().decode(BatchRecord.self, from: Data(content.utf8))
    }

    private static func decodeEvent(_ content: String) throws -> BatchEvent {
        try JSONDecoder().decode(BatchEvent.self, from: Data(content.utf8))
    }
}
