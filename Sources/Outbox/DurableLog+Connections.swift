import GRDBSQLite

extension DurableLog {
    /// The most reader connections the log opens beside its writer (GRDB's default is 5). Readers are
    /// opened only when reads overlap and each keeps its own SQLite page cache, schema and statements;
    /// the gateway's readers (uplink batches, heartbeats, status, limits) rarely overlap more than this.
    static let readers = 3
    /// Each reader's SQLite page cache, in KiB (SQLite's default is 2 MiB per connection). A reader
    /// reads the head of the log (recent pages, most in the WAL) and the destination tables; the
    /// writer keeps SQLite's default, which the append path's index pages need.
    static let readerCacheKiB = 512
    /// How long a connection waits for a lock another one holds before SQLITE_BUSY (the WAL checkpoint
    /// waits at most a second, ``checkpoint()``).
    static let busyTimeoutMilliseconds = 5000
}

extension DurableLog {
    /// The bytes SQLite holds in this process (`sqlite3_memory_used`): every open log's page caches,
    /// schemas and prepared statements, part of malloc's heap in use. It grows as the caches fill, up to
    /// the writer's 2 MiB and ``readers`` × ``readerCacheKiB`` per log and their schemas and statements.
    public static var sqliteMemoryInUse: Int { Int(sqlite3_memory_used()) }
}
