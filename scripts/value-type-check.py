#!/usr/bin/env python3
"""What the head's check on `value_type` costs SQLite per inserted reading, as `IN (...)` and as comparisons.

BENCHMARKS.md, issue #19 round 21. SQLite 3.40 (Debian 12's libsqlite3, which chemgate links and Python's
sqlite3 module uses) compiles `CHECK (value_type IN ('number', 'bool', 'text'))` into a temporary index
that the insert opens (or clears), fills with the three values and searches for every row; an `IN` list
of two constants, or comparisons joined by OR, are register compares. This builds the log's head
(Sources/Outbox/Segments.swift: its columns, checks and indexes; 4 KiB pages, WAL, auto_vacuum =
INCREMENTAL, secure_delete = FAST) with either check, appends 10,000 readings of 100 devices a second in
the 32-row statements of RecordRow.insertReadings, and prints the opcodes SQLite runs per row and the
CPU time of the statements' execution (binding and Python included, the same for both), alternating
the two forms. `synchronous = OFF`: the fsync is not what is compared.

    python3 scripts/value-type-check.py [rounds] [seconds]     # default 5 rounds of 10 s: about two minutes
"""
import os
import sqlite3
import statistics
import sys
import tempfile
import time

LIST = "value_type IN ('number', 'bool', 'text')"
COMPARISONS = "value_type = 'number' OR value_type = 'bool' OR value_type = 'text'"
COLUMNS = (
    "lane, gateway, device, point, indicator, value_type, value, unit, quality_level, quality_reason, "
    "timestamp, report, source_sequence, in_alarm, raw, stale_since, clock"
)
ROW = "('reading', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
PER_INSERT = 32
INSERT = f"INSERT OR ROLLBACK INTO record_head ({COLUMNS}) VALUES " + ", ".join([ROW] * PER_INSERT)


def head(check):
    return f"""
    CREATE TABLE record_head (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        lane TEXT NOT NULL CHECK (lane IN ('event', 'reading')),
        gateway TEXT NOT NULL, device TEXT, point TEXT, indicator TEXT, link TEXT,
        value_type TEXT CHECK ({check}),
        value, unit TEXT, quality_level TEXT, quality_reason TEXT, timestamp INTEGER NOT NULL, report TEXT,
        event_kind TEXT, alarm_level TEXT, limit_value REAL, reason TEXT, source_sequence INTEGER NOT NULL,
        in_alarm INTEGER NOT NULL DEFAULT 0, clock TEXT, raw TEXT, stale_since INTEGER);
    CREATE INDEX record_2_device_time ON record_head(device, timestamp);
    CREATE INDEX record_2_timestamp ON record_head(timestamp);
    CREATE INDEX record_2_event ON record_head(sequence) WHERE lane = 'event';
    """


def open_head(path, check):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA page_size = 4096")
    db.execute("PRAGMA auto_vacuum = INCREMENTAL")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA secure_delete = FAST")
    db.executescript(head(check))
    return db


def opcodes_per_row(db):
    codes = [row[1] for row in db.execute("EXPLAIN " + INSERT, [None] * (16 * PER_INSERT))]
    # Over the whole program: its row loop is emitted once and runs once per row; the second Insert is
    # the sqlite_sequence update at the statement's end.
    return {name: codes.count(name) for name in ("OpenEphemeral", "IdxInsert", "Found", "Insert")}


def second_of_readings(second):
    arguments = []
    for index in range(10_000):
        arguments.append([
            "chemgate", f"dev-{index // 100:03d}", f"point-{index % 100:03d}", "gas", "number",
            index * 0.5 + second, "%LEL", "good", None, 1_795_392_000_000 + second * 1000 + index // 100,
            "change", index, 0, None, None, None,
        ])
    statements = []
    for start in range(0, 10_000 - PER_INSERT + 1, PER_INSERT):
        statements.append([value for row in arguments[start:start + PER_INSERT] for value in row])
    return statements


def run(path, check, seconds):
    db = open_head(path, check)
    spent = 0.0
    rows = 0
    for second in range(seconds):
        statements = second_of_readings(second)
        db.execute("BEGIN")
        start = time.process_time()
        for arguments in statements:
            db.execute(INSERT, arguments)
        spent += time.process_time() - start
        db.execute("COMMIT")
        rows += len(statements) * PER_INSERT
    per_row = opcodes_per_row(db)
    db.close()
    return spent / rows * 1e6, per_row


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    print(f"SQLite {sqlite3.sqlite_version}; {rounds} rounds of {seconds} s of 10,000 readings, alternating:")
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "head.sqlite")
        results = {LIST: [], COMPARISONS: []}
        codes = {}
        for _ in range(rounds):
            for check in (LIST, COMPARISONS):
                microseconds, codes[check] = run(path, check, seconds)
                results[check].append(microseconds)
                print(f"  {check:70s} {microseconds:5.2f} µs per row", flush=True)
    for check, values in results.items():
        print(f"CHECK ({check}):")
        print(f"  opcodes in the insert program: {codes[check]}")
        print(f"  median {statistics.median(values):.2f} µs per row (min {min(values):.2f}, max {max(values):.2f})")
    saved = statistics.median(results[LIST]) - statistics.median(results[COMPARISONS])
    print(f"comparisons save {saved:.2f} µs per row (medians); at 10,000 readings a second "
          f"{saved * 10_000 / 1e6:.3f} core")


if __name__ == "__main__":
    main()
