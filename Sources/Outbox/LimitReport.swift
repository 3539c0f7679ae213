/// What one ``DurableLog/enforceLimits(now:)`` did.
public struct LimitReport: Sendable, Hashable {
    /// Rows deleted because they were older than the retention and acknowledged everywhere.
    public var droppedForRetention: Int
    /// Rows deleted for the size cap that every destination had acknowledged.
    public var droppedAcknowledged: Int
    /// Non-alarm readings deleted for the size cap before every destination had them.
    public var droppedUnacknowledged: Int
    /// A warning figure: rows older than the retention kept because some destination has not
    /// acknowledged them.
    public var keptPastRetention: Int
    /// The database size after the pass (`page_count × page_size`).
    public var bytesOnDisk: Int
    /// True when the database is still above the cap: only events and alarm readings were left to drop.
    public var overCap: Bool
    /// The largest the WAL file was during the size cap's pass, seen after each of its transactions (before
    /// the checkpoint that follows it); 0 when the cap had nothing to do.
    public var largestWAL: Int

    public init(
        droppedForRetention: Int = 0,
        droppedAcknowledged: Int = 0,
        droppedUnacknowledged: Int = 0,
        keptPastRetention: Int = 0,
        bytesOnDisk: Int = 0,
        overCap: Bool = false,
        largestWAL: Int = 0
    ) {
        self.largestWAL = largestWAL
        self.droppedForRetention = droppedForRetention
        self.droppedAcknowledged = droppedAcknowledged
        self.droppedUnacknowledged = droppedUnacknowledged
        self.keptPastRetention = keptPastRetention
        self.bytesOnDisk = bytesOnDisk
        self.overCap = overCap
    }
}
