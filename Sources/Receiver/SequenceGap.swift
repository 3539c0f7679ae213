/// Sequence numbers of one gateway that never arrived, between the lowest and highest received:
/// lost data, as opposed to a quiet plant. Written as the array `[gateway, from_seq, to_seq]`.
public struct SequenceGap: Codable, Sendable, Hashable {
    /// The gateway whose sequence has the gap.
    public var gateway: String
    /// The first missing sequence number.
    public var from: UInt64
    /// The last missing sequence number (inclusive).
    public var to: UInt64

    /// Creates a gap.
    public init(gateway: String, from: UInt64, to: UInt64) {
        self.gateway = gateway
        self.from = from
        self.to = to
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        gateway = try container.decode(String.self)
        from = try container.decode(UInt64.self)
        to = try container.decode(UInt64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(gateway)
        try container.encode(from)
        try container.encode(to)
    }
}
