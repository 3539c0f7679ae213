public import GatewayCore
public import UplinkPayload

/// The newest record of one (gateway, device, point): newest by `ts`, then by `seq`, so a
/// backfilled older reading never hides a newer one. An element of `GET /latest`.
public struct LatestPoint: Encodable, Sendable, Hashable {
    /// The gateway the record came from.
    public var gateway: String
    /// The record as it arrived (device, point, value, quality, reason, ts, seq, …).
    public var record: BatchRecord

    /// Creates an entry.
    public init(gateway: String, record: BatchRecord) {
        self.gateway = gateway
        self.record = record
    }

    /// The record as a reading.
    public var reading: Reading { record.reading(gateway: gateway) }

    enum CodingKeys: String, CodingKey {
        case gateway
    }

    /// Written flat: the record's fields plus `gateway`.
    public func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(gateway, forKey: .gateway)
    }
}
