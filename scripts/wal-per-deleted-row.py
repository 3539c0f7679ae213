#!/usr/bin/env python3
"""How many bytes of WAL SQLite writes to delete rows of the log, against dropping a table.

BENCHMARKS.md, issue #19 round 9: why the soak's WAL criterion (the WAL within its 1 MiB
checkpoint limit while the size cap drops rows) is not met by row deletes. Uses Python's sqlite3
module, which on Debian 12 is the system libsqlite3 (3.40.1) that chemgate links, with the log's
settings (4 KiB pages, WAL, auto_vacuum = INCREMENTAL, secure_delete = FAST) and its `record` table
and indexes (Sources/Outbox/Schema.swift). 10,000 points on 100 devices append one second at a time;
after 150 s the oldest rows are deleted in chunks, as the size cap does, and every transaction's WAL
is measured from an empty WAL (`wal_checkpoint(TRUNCATE)` after each).

    python3 scripts/wal-per-deleted-row.py [directory]     # about two minutes
"""
import os
import random
import sqlite3
import sys
import tempfile

SCHEMA = """
CREATE TABLE record (sequence INTEGER PRIMARY KEY AUTOINCREMENT, lane TEXT NOT NULL, gateway TEXT NOT NULL,
  device TEXT, point TEXT, indicator TEXT, link TEXT, value_type TEXT, value, unit TEXT, quality_level TEXT,
  quality_reason TEXT, timestamp INTEGER NOT NULL, report TEXT, event_kind TEXT, alarm_level TEXT,
  limit_value REAL, reason TEXT, source_sequence INTEGER NOT NULL, in_alarm INTEGER NOT NULL DEFAULT 0,
  clock TEXT, raw TEXT, stale_since INTEGER);
CREATE INDEX record_timestamp ON record(timestamp);
CREATE INDEX record_event ON record(sequence) WHERE lane = 'event';
CREATE INDEX record_device_time ON record(device, timestamp);
"""


def open_log(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA page_size = 4096")
    db.execute("PRAGMA auto_vacuum = INCREMENTAL")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("PRAGMA synchronous = OFF")  # the bytes written do not depend on it; the run is faster
    db.execute("PRAGMA secure_delete = FAST")
    return db


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="wal-per-row-")
    path = os.path.join(directory, "log.sqlite")
    db = open_log(path)
    db.executescript(SCHEMA)

    def wal_bytes():
        return os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0

    def truncate():
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    state = {"time": 1_700_000_000_000, "sequence": 0}

    def append_second():
        state["time"] += 1000
        rows = []
        for device in range(100):
            for point in range(100):
                state["sequence"] += 1
                rows.append((
                    "reading", "gw-01", f"dev-{device:03}", f"pt-{point:03}", f"indicator {point}", "link-1",
                    "number", random.random() * 100, "ppm", "good", state["time"] + device, state["sequence"],
                ))
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO record (lane, gateway, device, point, indicator, link, value_type, value, unit,"
            " quality_level, timestamp, source_sequence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        db.execute("COMMIT")

    def delete_oldest(rows):
        db.execute("BEGIN")
        db.execute(
            "DELETE FROM record WHERE sequence IN (SELECT sequence FROM record ORDER BY sequence LIMIT ?)", (rows,)
        )
        db.execute("COMMIT")

    for _ in range(150):
        append_second()
        truncate()
    appends, deletes = [], {100_000: [], 5_000: []}
    for round_number in range(4):
        for _ in range(30):
            append_second()
            appends.append(wal_bytes())
            truncate()
        chunk = 100_000 if round_number % 2 == 0 else 5_000
        for _ in range(300_000 // chunk):
            delete_oldest(chunk)
            deletes[chunk].append(wal_bytes())
            truncate()

    db.execute("CREATE TABLE segment AS SELECT * FROM record ORDER BY sequence LIMIT 100000")
    truncate()
    db.execute("BEGIN")
    db.execute("DROP TABLE segment")
    db.execute("COMMIT")
    dropped = wal_bytes()

    def median(values):
        return sorted(values)[len(values) // 2]

    def kib(value):
        return f"{value / 1024:,.0f} KiB"

    rows = db.execute("SELECT COUNT(*) FROM record").fetchone()[0]
    print(f"SQLite {sqlite3.sqlite_version}; log {os.path.getsize(path) / 2**20:.0f} MB, {rows:,} rows")
    print(f"append, one second of 10,000 readings: WAL {kib(median(appends))} (median of {len(appends)})")
    for chunk, sizes in deletes.items():
        per_row = median(sizes) / chunk
        print(
            f"DELETE of the oldest {chunk:,} rows: WAL {kib(median(sizes))} (median of {len(sizes)}),"
            f" {per_row:.0f} bytes per deleted row"
        )
    print(f"DROP TABLE of 100,000 rows: WAL {kib(dropped)}")


if __name__ == "__main__":
    main()
