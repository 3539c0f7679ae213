/// How a ``DurableLog`` keeps its history and how hard it pushes each append to disk.
public struct LogOptions: Sendable, Hashable {
    /// How `PRAGMA synchronous` is set on the connection that writes.
    public enum Synchronous: String, Sendable, Hashable {
        /// `PRAGMA synchronous = FULL` in WAL mode: SQLite fsyncs the write-ahead log before a commit
        /// returns. An append that returned is on disk and survives `kill -9` and power loss (as far as
        /// the storage honours fsync).
        case full
        /// `PRAGMA synchronous = NORMAL` in WAL mode: a commit that returned survives `kill -9`, but
        /// the last commits can be lost on power loss. For tests and measurements, never for a plant.
        case normal
    }

    /// How long rows are kept once every destination has acknowledged them. Rows that some destination
    /// has not acknowledged are kept past it. Defaults to 30 days (the legal minimum for history at
    /// major hazard sources).
    public var retention: Duration
    /// The cap on the log's size (`page_count × page_size`, and the WAL, which is kept to
    /// ``DurableLog/walLimit``), enforced by ``DurableLog/enforceLimits(now:)`` and, as soon as an
    /// append exceeds it, by ``DurableLog/watchSpace()``. Defaults to 2 GiB.
    public var maxBytes: Int
    /// The share of the log's file system (0–0.5) that must stay free: below it the size cap tightens
    /// (``DurableLog/watchSpace()``), a `disk_low` event is recorded and ``DurableLog/diskProblem`` says
    /// so. Defaults to 5 %.
    public var minFree: Double
    /// Defaults to ``Synchronous/full``.
    public var synchronous: Synchronous
    /// Upstream platforms registered when the log opens, so that retention waits for their
    /// acknowledgement from the first append on. A destination is also registered the first time
    /// ``DurableLog/nextBatch(for:maxRecords:maxBytes:liveWindow:now:)``,
    /// ``DurableLog/acknowledge(_:destination:)`` or ``DurableLog/deadLetter(_:destination:reason:)``
    /// names it, until ``DurableLog/forget(destination:)``.
    public var destinations: [String]
    /// The gateway's id, for the events the log records about itself (`log_replaced`).
    public var gateway: String
    /// What to do with a corrupted log: move it aside and start a new one (`chemgate run`), or refuse
    /// to open it, unchanged (the default: `history`, `dead-letters`, tools).
    public var replaceCorrupt: Bool
    /// How many sequence numbers a segment of the log is given before the next append starts a new one
    /// (see ``DurableLog/enforceLimits(now:)``: the size cap drops the oldest segment whole). Nil,
    /// the default: a tenth of ``maxBytes`` at the size the log's rows have on disk (measured when the
    /// log opens and at every size-cap pass; 200 bytes a row until there are rows), at least 10,000.
    public var segmentRows: Int?

    public init(
        retention: Duration = .seconds(30 * 24 * 3600),
        maxBytes: Int = 2 << 30,
        synchronous: Synchronous = .full,
        destinations: [String] = [],
        gateway: String = "chemgate",
        replaceCorrupt: Bool = false,
        minFree: Double = 0.05,
        segmentRows: Int? = nil
    ) {
        self.segmentRows = segmentRows
        self.minFree = minFree
        self.replaceCorrupt = replaceCorrupt
        self.gateway = gateway
        self.retention = retention
        self.maxBytes = maxBytes
        self.synchronous = synchronous
        self.destinations = destinations
    }
}
