public import GatewayCore

/// One reading in a batch: a `Reading` without its gateway (the batch names it once) plus whether
/// it is sent late from the outbox.
public struct BatchRecord: Codable, Sendable, Hashable {
    /// The gateway's sequence number, shared with events.
    public var sequence: UInt64
    /// The device, as the site configuration names it.
    public var device: String
    /// The point on the device.
    public var point: String
    /// The platform's indicator code (指标编码 / 位号), where the site gives one.
    public var indicator: String?
    /// The engineering value; nil when there is none, always nil on a bad reading. An exact integer is
    /// written as a JSON integer with every digit.
    public var value: Value?
    /// The engineering unit.
    public var unit: String?
    /// Written as `quality` (the level) and `reason` (the snake_case reason, or absent).
    public var quality: Quality
    /// When the value was read; written as `ts`.
    public var timestamp: Timestamp
    /// Why it was reported: a change or the periodic snapshot.
    public var report: Reading.Report
    /// Sent after an uplink outage from the outbox, not as it happened.
    public var backfill: Bool
    /// Why `ts` may be wrong (`unsynchronised`, `stepped`); absent when the clock was fine.
    public var clock: ClockCondition?
    /// On a bad reading, the registers as read (`0x7FFF`), for diagnosis; written as `raw`.
    public var raw: String?
    /// On a stale reading, when staleness was detected (`ts` is the last successful read); written as
    /// `stale_since`.
    public var staleSince: Timestamp?

    /// Creates a record from its fields.
    public init(
        sequence: UInt64,
        device: String,
        point: String,
        indicator: String? = nil,
        value: Value?,
        unit: String? = nil,
        quality: Quality,
        timestamp: Timestamp,
        report: Reading.Report = .change,
        backfill: Bool = false,
        clock: ClockCondition? = nil,
        raw: String? = nil,
        staleSince: Timestamp? = nil
    ) {
        self.sequence = sequence
        self.device = device
        self.point = point
        self.indicator = indicator
        self.value = value
        self.unit = unit
        self.quality = quality
        self.timestamp = timestamp
        self.report = report
        self.backfill = backfill
        self.clock = clock
        self.raw = raw
        self.staleSince = staleSince
    }

    /// The record for `reading`; its gateway goes into the batch.
    public init(reading: Reading, backfill: Bool) {
        self.init(
            sequence: reading.sequence,
            device: reading.device,
            point: reading.point,
            indicator: reading.indicator,
            value: reading.value,
            unit: reading.unit,
            quality: reading.quality,
            timestamp: reading.timestamp,
            report: reading.report,
            backfill: backfill,
            clock: reading.clock,
            raw: reading.raw,
            staleSince: reading.staleSince
        )
    }

    /// The reading this record carries, from `gateway`.
    public func reading(gateway: String) -> Reading {
        var reading = Reading(
            gateway: gateway,
            device: device,
            point: point,
            indicator: indicator,
            value: value,
            unit: unit,
            quality: quality,
            timestamp: timestamp,
            sequence: sequence,
            report: report,
            raw: raw,
            staleSince: staleSince
        )
        reading.clock = clock
        return reading
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sequence = "seq"
        case device, point, indicator, value, unit, quality, reason
        case timestamp = "ts"
        case report, backfill, clock, raw
        case staleSince = "stale_since"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decodeSequence(forKey: .sequence)
        device = try container.decodeName(forKey: .device)
        point = try container.decodeName(forKey: .point)
        indicator = try container.decodeIfPresent(String.self, forKey: .indicator)
        value = try container.decodeValueIfPresent(forKey: .value)
        unit = try container.decodeIfPresent(String.self, forKey: .unit)
        let level = try container.decodeRaw(Quality.Level.self, forKey: .quality)
        var reason: Quality.Reason?
        if let text = try container.decodeIfPresent(String.self, forKey: .reason) {
            guard let parsed = Quality.Reason(text: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .reason,
                    in: container,
                    debugDescription: "unknown quality reason \"\(text)\""
                )
            }
            reason = parsed
        }
        quality = Quality(level, reason)
        timestamp = try container.decodeTimestamp(forKey: .timestamp)
        report = try container.decodeRaw(Reading.Report.self, allowed: [.change, .snapshot, .poll], forKey: .report)
        backfill = try container.decode(Bool.self, forKey: .backfill)
        clock = try container.decodeRawIfPresent(ClockCondition.self, forKey: .clock)
        raw = try container.decodeIfPresent(String.self, forKey: .raw)
        staleSince = try container.decodeTimestampIfPresent(forKey: .staleSince)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(device, forKey: .device)
        try container.encode(point, forKey: .point)
        try container.encodeIfPresent(indicator, forKey: .indicator)
        try container.encodeValueIfPresent(value, forKey: .value)
        try container.encodeIfPresent(unit, forKey: .unit)
        try container.encode(quality.level.rawValue, forKey: .quality)
        try container.encodeIfPresent(quality.reason?.description, forKey: .reason)
        try container.encodeTimestamp(timestamp, forKey: .timestamp)
        try container.encode(report.rawValue, forKey: .report)
        try container.encode(backfill, forKey: .backfill)
        try container.encodeIfPresent(clock?.rawValue, forKey: .clock)
        try container.encodeIfPresent(raw, forKey: .raw)
        if let staleSince { try container.encodeTimestamp(staleSince, forKey: .staleSince) }
    }
}
