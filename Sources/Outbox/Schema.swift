import GRDB
import GatewayCore

/// The log's tables, created by a `DatabaseMigrator` (migrations `v1`, `v2`, `v3`, then named ones).
///
/// ## SCHEMA
///
/// `record`: every reading and every event, one row each. Since migration `segmented record`, a view
/// over the segment tables listed in `segment` (`record_<n>`, and `record_head`, which takes the
/// appends; ``Segments``); the columns and indexes below are each segment's.
/// - `sequence INTEGER PRIMARY KEY AUTOINCREMENT`: assigned by the log. AUTOINCREMENT keeps the highest
///   number ever used in `sqlite_sequence`, so a number is never reused, even after every row was deleted.
/// - `lane` (`event` | `reading`): the record's kind and its queue (see ``Lane``).
/// - `gateway`, `device`, `point`, `indicator`, `link`: names as the poller gave them (any Unicode).
/// - `value_type` (`number` | `bool` | `text` | NULL) and `value` (no declared type: REAL, INTEGER 0/1
///   or TEXT as `value_type` says; NULL when there is no value, always on a bad reading). A `number` is
///   REAL for a measured number, INTEGER for an exact integer, and TEXT (decimal digits) for an integer
///   above `Int64.max` (a uint64 counter). `unit`. The check on `value_type` is written as comparisons
///   (``Segments/valueTypeCheck``); logs created before migration `value_type checked by comparisons`
///   wrote it as `IN (…)`.
/// - `raw` ("raw registers and stale detection time"): on a bad reading, its registers as read
///   (`0x7FFF`, `0x0123 0x4567`) for diagnosis; NULL otherwise.
/// - `stale_since` (same migration): on a `bad (stale)` reading, when staleness was detected (UTC ms);
///   `timestamp` is then the last successful read.
/// - `quality_level` (`good` | `uncertain` | `bad`), `quality_reason` (`timeout`, `device_exception_2`, …):
///   readings only.
/// - `timestamp`: UTC milliseconds. `report` (`change` | `snapshot`): readings only.
/// - `event_kind`, `alarm_level`, `limit_value`, `reason`: events only.
/// - `source_sequence`: the emitter's own sequence number (`Reading.sequence`, `GatewayEvent.sequence`).
/// - `in_alarm`: 1 for a reading taken while its point (or its whole device) had an alarm raised and not
///   yet cleared. Such readings are never dropped for the size cap. `backfill` is not stored here: it is
///   decided when a batch is first read, and kept with the frozen batch in `sent_batch`.
/// - Indexes: `(device, timestamp)` for history (a point's history reads its device's rows in the time
///   range; migration `history by device and time` replaced `(device, point, timestamp)`, which cost a
///   page write per reading), `(timestamp)` for retention and the live window, and a partial index on
///   `sequence` for the event lane.
///
/// `destination`: the upstream platforms whose acknowledgement retention waits for.
///
/// `cursor`: per destination and lane, the sequence numbers handled (acknowledged or dead-lettered), as
/// disjoint ranges `[first, last]`. A range may also span sequence numbers of the other lane or of deleted
/// rows: it means "no record of this lane in here is pending". Ranges are merged whenever nothing
/// pending of their lane lies between them, so a destination that keeps up holds one range per lane.
/// Ranges, not a single high-water mark, because the uplink acknowledges events, live readings and
/// backlog out of sequence order.
///
/// `dead_letter` and `dead_letter_record`: batches a destination refused, with reason, time and batch id,
/// and their sequence numbers. Their sequences are also in the cursor (handled, so the queue moves on),
/// but they do not count as acknowledged for retention.
///
/// `dropped`: rows deleted, counted per ``DropReason``, persisted.
///
/// `active_alarm`: the points (`point = ''` for a whole device) with an alarm raised and not cleared,
/// kept by the event appends to mark `record.in_alarm`.
///
/// `log_identity` (`v2`): one row, the log's random `id` (``DurableLog/logID``) and when it was made. A
/// log from before `v2` gets its id when it is migrated.
///
/// `sent_batch` (`v3`): the batches read for a destination and not yet acknowledged, dead-lettered or
/// split: their id and `members`, the sequence numbers in batch order, each followed by `b` when sent as
/// backfill (`"118,120b,121b"`). A batch is frozen here the first time it is read, so every retry sends
/// exactly the same content under the same id (``SentBatches``).
///
/// `record.clock` (`record_clock`): for readings, why the reading's time may be wrong
/// (``ClockCondition``: `unsynchronised`, `stepped`), or NULL. The file's `PRAGMA application_id` is "CHGL"
/// (``LogFile/applicationID``), so that a file that is not a log is recognised before anything writes.
///
/// `alarm_state` and `maintenance_switch` (`alarm-state-and-maintenance-switches`): what a restart takes
/// over, see ``AlarmStateStore``.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // `v1` of logs created before migration `value_type checked by comparisons` wrote that check as
        // `IN (…)`; the same rule, and that migration gives such a log a head with the comparisons.
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE record (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        lane TEXT NOT NULL CHECK (lane IN ('event', 'reading')),
                        gateway TEXT NOT NULL,
                        device TEXT,
                        point TEXT,
                        indicator TEXT,
                        link TEXT,
                        value_type TEXT CHECK (\(Segments.valueTypeCheck)),
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
                        in_alarm INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX record_history ON record(device, point, timestamp);
                    CREATE INDEX record_timestamp ON record(timestamp);
                    CREATE INDEX record_event ON record(sequence) WHERE lane = 'event';

                    CREATE TABLE destination (
                        name TEXT PRIMARY KEY NOT NULL,
                        registered INTEGER NOT NULL
                    );

                    CREATE TABLE cursor (
                        destination TEXT NOT NULL REFERENCES destination(name) ON DELETE CASCADE,
                        lane TEXT NOT NULL,
                        first INTEGER NOT NULL,
                        last INTEGER NOT NULL,
                        PRIMARY KEY (destination, lane, first)
                    ) WITHOUT ROWID;

                    CREATE TABLE dead_letter (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        destination TEXT NOT NULL REFERENCES destination(name) ON DELETE CASCADE,
                        batch_id TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        time INTEGER NOT NULL,
                        UNIQUE (destination, batch_id)
                    );

                    CREATE TABLE dead_letter_record (
                        dead_letter INTEGER NOT NULL REFERENCES dead_letter(id) ON DELETE CASCADE,
                        destination TEXT NOT NULL,
                        sequence INTEGER NOT NULL,
                        lane TEXT NOT NULL,
                        PRIMARY KEY (dead_letter, sequence)
                    ) WITHOUT ROWID;
                    CREATE INDEX dead_letter_record_sequence ON dead_letter_record(destination, sequence);

                    CREATE TABLE dropped (
                        reason TEXT PRIMARY KEY NOT NULL,
                        count INTEGER NOT NULL
                    );

                    CREATE TABLE active_alarm (
                        device TEXT NOT NULL,
                        point TEXT NOT NULL,
                        PRIMARY KEY (device, point)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE log_identity (id TEXT NOT NULL, created INTEGER NOT NULL);
                    INSERT INTO log_identity (id, created) VALUES (lower(hex(randomblob(16))), ?);
                    """,
                arguments: [Timestamp.now().milliseconds]
            )
        }
        migrator.registerMigration("v3") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sent_batch (
                        destination TEXT NOT NULL REFERENCES destination(name) ON DELETE CASCADE,
                        batch_id TEXT NOT NULL,
                        members TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        PRIMARY KEY (destination, batch_id)
                    );
                    """
            )
        }
        registerCatalogueMigration(&migrator)
        migrator.registerMigration("record_clock") { db in
            try db.execute(sql: "ALTER TABLE record ADD COLUMN clock TEXT")
        }
        migrator.registerMigration("raw registers and stale detection time") { db in
            try db.execute(
                sql: """
                    ALTER TABLE record ADD COLUMN raw TEXT;
                    ALTER TABLE record ADD COLUMN stale_since INTEGER;
                    """
            )
        }
        migrator.registerMigration("alarm-state-and-maintenance-switches") { db in
            try AlarmStateStore.createTables(db)
        }
        // Every reading went into the leaf page of its own point in `(device, point, timestamp)`: at
        // 10,000 points, ~10,000 pages rewritten in the WAL (and again by the checkpoint) per second,
        // and as many when the size cap drops the oldest second. By device and time, a group commit
        // touches one page per device, at the end of its range.
        migrator.registerMigration("history by device and time") { db in
            try db.execute(
                sql: """
                    DROP INDEX IF EXISTS record_history;
                    CREATE INDEX record_device_time ON record(device, timestamp);
                    """
            )
        }
        migrator.registerMigration("segmented record") { db in
            try Segments.migrate(db)
        }
        migrator.registerMigration("value_type checked by comparisons") { db in
            try Segments.renewHeadWithListCheck(db)
        }
        return migrator
    }
}
