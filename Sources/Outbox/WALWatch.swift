import GRDB
import GRDBSQLite
import Synchronization

/// The log writer's view of its WAL after each commit, and the check that lets the next append start
/// the WAL over instead of going on its end.
///
/// SQLite starts the WAL over at the first write after a checkpoint that copied all of it, but only if
/// no read is using it at that moment; otherwise the write goes on the WAL's end, and a 10,000-point
/// cycle took a 4 MiB WAL to 1,044 frames in the soak at the size cap (BENCHMARKS.md, round 12). So
/// the watch replaces SQLite's automatic checkpoint with a WAL hook that does the same (a passive
/// checkpoint once the commit left ``threshold`` frames or more) and notes the frames, and the log's
/// appends call ``letWALStartOver(_:rows:)`` first: when the last commit left the WAL past the
/// threshold, or when the rows about to be appended would take it past its limit where it is, a
/// restart checkpoint waits up to ``restartWait`` milliseconds for the reads still using it. Reads
/// that begin meanwhile read the database file, so only reads already running can make it wait.
///
/// The second condition: the threshold, half the limit, leaves room for one commit of up to half the
/// limit, but a gateway's largest commits are near that (a 10,000-point cycle, about 2 MB) and come
/// together (the minute's snapshot of every point beside a cycle): in a 20-minute soak at the size cap
/// a commit landing on a WAL just under the threshold took it to 5.0–5.2 MB against 4 MiB, twice.
final class WALWatch: Sendable {
    /// The frames at which the WAL is checkpointed: half of ``DurableLog/walLimit``.
    let threshold: Int
    /// The WAL's limit in frames (``DurableLog/walLimit``).
    let limit: Int
    /// The frames the WAL held after the writer's last commit; 0 once a restart checkpoint made sure
    /// the next write starts it over.
    let frames = Atomic<Int>(0)
    /// The most frames the WAL held after a commit, for the tests.
    let largest = Atomic<Int>(0)
    /// The frames an appended row adds to the WAL, in thousandths: the largest of the recent appends',
    /// an eighth less for each append that adds fewer.
    let framesPerThousandRows = Atomic<Int>(0)
    /// The rows of the append about to commit, set by ``letWALStartOver(_:rows:)`` for the WAL hook.
    let pendingRows = Atomic<Int>(0)
    /// How long ``letWALStartOver(_:rows:)`` waits for reads, in milliseconds (tests make it longer).
    let restartWait = Atomic<Int>(20)
    /// The writer's busy timeout, restored after the wait.
    private let busyTimeout: Int

    init(threshold: Int, limit: Int, busyTimeoutMilliseconds: Int) {
        self.threshold = threshold
        self.limit = limit
        busyTimeout = busyTimeoutMilliseconds
    }

    /// Installs the watch on the writer's connection in place of `PRAGMA wal_autocheckpoint`. The watch
    /// must outlive the connection's commits: the log keeps both.
    func install(on db: Database) {
        sqlite3_wal_hook(db.sqliteConnection, walCommitted, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Before an append of `rows` rows: when the last commit left the WAL past ``threshold``, or these
    /// rows would take it past ``limit`` (at the frames per row of recent appends), waits up to
    /// ``restartWait`` for the reads that still use it, so that this commit starts the WAL over. When a
    /// read outlasts the wait, the commit goes on the WAL's end as before, the next append waits again,
    /// and ``DurableLog/keepWALWithinLimit()`` cuts the file back once the read ends.
    func letWALStartOver(_ db: Database, rows: Int) {
        pendingRows.store(rows, ordering: .relaxed)
        let held = frames.load(ordering: .relaxed)
        let expected = rows * framesPerThousandRows.load(ordering: .relaxed) / 1000
        guard held >= threshold || (held > 0 && held + expected > limit) else { return }
        let wait = restartWait.load(ordering: .relaxed)
        guard (try? db.execute(sql: "PRAGMA busy_timeout = \(wait)")) != nil else { return }
        defer { try? db.execute(sql: "PRAGMA busy_timeout = \(busyTimeout)") }
        if (try? db.checkpoint(.restart)) != nil { frames.store(0, ordering: .relaxed) }
    }
}

/// SQLite's WAL hook, called on the writer after each commit with the frames the WAL holds: notes
/// them and, at ``WALWatch/threshold`` or more, checkpoints passively, as `wal_autocheckpoint` does.
private func walCommitted(
    _ context: UnsafeMutableRawPointer?,
    _ connection: OpaquePointer?,
    _ database: UnsafePointer<CChar>?,
    _ frames: Int32
) -> Int32 {
    guard let context else { return SQLITE_OK }
    let watch = Unmanaged<WALWatch>.fromOpaque(context).takeUnretainedValue()
    let before = watch.frames.exchange(Int(frames), ordering: .relaxed)
    _ = watch.largest.max(Int(frames), ordering: .relaxed)
    // An append's frames: what it added, or all of them when it started the WAL over.
    let rows = watch.pendingRows.exchange(0, ordering: .relaxed)
    let added = Int(frames) >= before ? Int(frames) - before : Int(frames)
    if rows > 0 && added > 0 {
        let measured = added * 1000 / rows
        let recent = watch.framesPerThousandRows.load(ordering: .relaxed)
        watch.framesPerThousandRows.store(max(measured, recent - recent / 8), ordering: .relaxed)
    }
    if Int(frames) >= watch.threshold {
        _ = sqlite3_wal_checkpoint_v2(connection, database, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
    return SQLITE_OK
}
