/// Totals over everything received; the body of `GET /counts`.
public struct ReceiverCounts: Codable, Sendable, Hashable {
    /// Distinct batches stored.
    public var batches: Int
    /// Records stored.
    public var records: Int
    /// Events stored.
    public var events: Int
    /// Batch requests answered as duplicates (batch_id seen before).
    public var duplicates: Int
    /// Events and records skipped because their sequence number had already arrived in another batch.
    public var alreadyReceived: Int
    /// Heartbeats stored.
    public var heartbeats: Int
    /// Batch and heartbeat requests refused (any 4xx or 5xx answer, test controls included).
    public var rejected: Int
    /// Missing sequence numbers per gateway, ordered by gateway and sequence.
    public var gaps: [SequenceGap]
    /// Records that arrived after a record of the same point and stream (live or backfill) with a
    /// higher sequence number: how a platform sees a gateway replaying out of order. After an outage
    /// live readings go ahead of the backfill by design; within each stream chemgate keeps each
    /// point's order, so this stays 0.
    public var outOfOrder: Int

    /// Creates the totals.
    public init(
        batches: Int,
        records: Int,
        events: Int,
        duplicates: Int,
        alreadyReceived: Int,
        heartbeats: Int,
        rejected: Int,
        gaps: [SequenceGap],
        outOfOrder: Int = 0
    ) {
        self.batches = batches
        self.records = records
        self.events = events
        self.duplicates = duplicates
        self.alreadyReceived = alreadyReceived
        self.heartbeats = heartbeats
        self.rejected = rejected
        self.gaps = gaps
        self.outOfOrder = outOfOrder
    }

    enum CodingKeys: String, CodingKey {
        case batches, records, events, duplicates
        case alreadyReceived = "already_received"
        case heartbeats, rejected, gaps
        case outOfOrder = "out_of_order"
    }
}
