public import GatewayCore

/// A batch as the store keeps it: its header and what receiving it did.
public struct StoredBatch: Sendable, Hashable {
    /// The batch_id.
    public var batchID: String
    /// The sending gateway.
    public var gateway: String
    /// The gateway's enterprise.
    public var enterprise: String
    /// When the receiver stored it.
    public var receivedAt: Timestamp
    /// The `sent_at` of the attempt that was stored.
    public var sentAt: Timestamp
    /// The start of the covered sequence range.
    public var firstSeq: UInt64
    /// The end of the covered sequence range.
    public var lastSeq: UInt64
    /// Events in the batch.
    public var eventCount: Int
    /// Records in the batch.
    public var recordCount: Int
    /// Events and records newly stored.
    public var accepted: Int
    /// Events and records skipped as already received in another batch.
    public var alreadyReceived: Int
    /// Whether the body arrived gzip-compressed.
    public var compressed: Bool
    /// The body's size as sent.
    public var bodyBytes: Int
    /// How many later requests repeated this batch_id.
    public var duplicates: Int
}
