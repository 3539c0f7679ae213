public import Foundation
public import GatewayCore

/// A gateway's periodic state report, as it is POSTed to `{base}/heartbeats`
/// (`chemgate.heartbeat/1`, described in `docs/uplink-protocol.md` and `docs/heartbeat.schema.json`).
public struct HeartbeatPayload: Codable, Sendable, Hashable {
    /// The value of `schema`.
    public static let schema = "chemgate.heartbeat/1"

    /// The gateway's name.
    public var gateway: String
    /// The enterprise's unified social credit code.
    public var enterprise: String
    /// The identity of the gateway's durable log (`log_id`, as in its batches); nil when absent.
    public var logID: String?
    /// When the heartbeat was made.
    public var time: Timestamp
    /// Seconds since the gateway process started; written as `uptime_s`.
    public var uptimeSeconds: UInt64
    /// `sha256:` and the lowercase hex SHA-256 of the configuration in force.
    public var configHash: String
    /// Devices per state.
    public var devices: Devices
    /// The store-and-forward queue.
    public var outbox: Outbox
    /// The gateway's clock.
    public var clock: Clock

    /// Creates a heartbeat from its fields.
    public init(
        gateway: String,
        enterprise: String,
        logID: String? = nil,
        time: Timestamp,
        uptimeSeconds: UInt64,
        configHash: String,
        devices: Devices,
        outbox: Outbox,
        clock: Clock
    ) {
        self.gateway = gateway
        self.enterprise = enterprise
        self.logID = logID
        self.time = time
        self.uptimeSeconds = uptimeSeconds
        self.configHash = configHash
        self.devices = devices
        self.outbox = outbox
        self.clock = clock
    }

    /// The JSON body: UTF-8, keys sorted, absent optionals left out.
    public func encode() -> Data { PayloadCoding.encode(self) }

    /// Decodes and checks a body.
    /// - Throws: `PayloadError` naming the first offending field.
    public static func decode(from data: Data) throws(PayloadError) -> HeartbeatPayload {
        try PayloadCoding.decode(HeartbeatPayload.self, from: data)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case schema, gateway, enterprise, time
        case logID = "log_id"
        case uptimeSeconds = "uptime_s"
        case configHash = "config_hash"
        case devices, outbox, clock
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let schema = try container.decode(String.self, forKey: .schema)
        guard schema == Self.schema else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema,
                in: container,
                debugDescription: "expected \"\(Self.schema)\", got \"\(schema)\""
            )
        }
        gateway = try container.decodeName(forKey: .gateway)
        enterprise = try container.decodeName(forKey: .enterprise)
        logID = try container.decodeIfPresent(String.self, forKey: .logID)
        if let logID, !BatchPayload.isValidLogID(logID) {
            throw DecodingError.dataCorruptedError(
                forKey: .logID,
                in: container,
                debugDescription: "must be 1-64 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit"
            )
        }
        time = try container.decodeTimestamp(forKey: .time)
        uptimeSeconds = try container.decodeCount(forKey: .uptimeSeconds)
        configHash = try container.decode(String.self, forKey: .configHash)
        let hex = configHash.utf8.dropFirst("sha256:".utf8.count)
        guard configHash.hasPrefix("sha256:"), hex.count == 64,
            hex.allSatisfy({
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            })
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .configHash,
                in: container,
                debugDescription: "expected sha256: and 64 lowercase hex digits"
            )
        }
        devices = try container.decode(Devices.self, forKey: .devices)
        outbox = try container.decode(Outbox.self, forKey: .outbox)
        clock = try container.decode(Clock.self, forKey: .clock)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.schema, forKey: .schema)
        try container.encode(gateway, forKey: .gateway)
        try container.encode(enterprise, forKey: .enterprise)
        try container.encodeIfPresent(logID, forKey: .logID)
        try container.encodeTimestamp(time, forKey: .time)
        try container.encode(uptimeSeconds, forKey: .uptimeSeconds)
        try container.encode(configHash, forKey: .configHash)
        try container.encode(devices, forKey: .devices)
        try container.encode(outbox, forKey: .outbox)
        try container.encode(clock, forKey: .clock)
    }
}
