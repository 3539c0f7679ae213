/// Sequence numbers of one gateway that never arrived, between the lowest and highest received:
/// lost data, as opposed to a quiet plant. Written as the array `[gateway, from_seq, to_seq]`, with the
/// log's id as a fourth element when the gateway sends one (each log has its own sequence).
public struct SequenceGap: Codable, Sendable, Hashable {
    /// The gateway whose sequence has the gap.
    public var gateway: String
    /// The first missing sequence number.
    public var from: UInt64
    /// The last missing sequence number (inclusive).
    public var to: UInt64
    /// The log whose sequence has the gap (`log_id`); empty for a gateway that sends none.
    public var logID: String

    /// Creates a gap.
    public init(gateway: String, from: UInt64, to: UInt64, logID: String = "") {
        self.gateway = gateway
        self.from = from
        self.to = to
        self.logID = logID
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        gateway = try container.decode(String.self)
        from = try container.decode(UInt64.self)
        to = try container.decode(UInt64.self)
        logID = container.isAtEnd ? "" : try container.decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(gateway)
        try container.encode(from)
        try container.encode(to)
        if !logID.isEmpty { try container.encode(logID) }
    }
}
