public import GatewayCore

/// One event in a batch: a `GatewayEvent` without its gateway (the batch names it once).
public struct BatchEvent: Codable, Sendable, Hashable {
    /// The gateway's sequence number, shared with records.
    public var sequence: UInt64
    /// Written as `event`.
    public var kind: GatewayEvent.Kind
    /// The device concerned, for device and alarm events.
    public var device: String?
    /// The point concerned, for alarm events.
    public var point: String?
    /// The serial line or TCP link concerned, for link events.
    public var link: String?
    /// The platform's indicator code (指标编码 / 位号), where the site gives one.
    public var indicator: String?
    /// The alarm level, for alarm events.
    public var level: AlarmLevel?
    /// The value that raised or cleared the alarm.
    public var value: Value?
    /// The limit crossed.
    public var limit: Double?
    /// The engineering unit of `value` and `limit`.
    public var unit: String?
    /// When it happened; written as `ts`.
    public var timestamp: Timestamp
    /// Why, in words.
    public var reason: String

    /// Creates an event from its fields.
    public init(
        sequence: UInt64,
        kind: GatewayEvent.Kind,
        device: String? = nil,
        point: String? = nil,
        link: String? = nil,
        indicator: String? = nil,
        level: AlarmLevel? = nil,
        value: Value? = nil,
        limit: Double? = nil,
        unit: String? = nil,
        timestamp: Timestamp,
        reason: String
    ) {
        self.sequence = sequence
        self.kind = kind
        self.device = device
        self.point = point
        self.link = link
        self.indicator = indicator
        self.level = level
        self.value = value
        self.limit = limit
        self.unit = unit
        self.timestamp = timestamp
        self.reason = reason
    }

    /// The batch form of `event`; its gateway goes into the batch.
    public init(event: GatewayEvent) {
        self.init(
            sequence: event.sequence,
            kind: event.kind,
            device: event.device,
            point: event.point,
            link: event.link,
            indicator: event.indicator,
            level: event.level,
            value: event.value,
            limit: event.limit,
            unit: event.unit,
            timestamp: event.timestamp,
            reason: event.reason
        )
    }

    /// The event this entry carries, from `gateway`.
    public func gatewayEvent(gateway: String) -> GatewayEvent {
        GatewayEvent(
            kind: kind,
            gateway: gateway,
            device: device,
            point: point,
            link: link,
            indicator: indicator,
            level: level,
            value: value,
            limit: limit,
            unit: unit,
            timestamp: timestamp,
            reason: reason,
            sequence: sequence
        )
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sequence = "seq"
        case kind = "event"
        case device, point, link, indicator, level, value, limit, unit
        case timestamp = "ts"
        case reason
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sequence = try container.decodeSequence(forKey: .sequence)
        kind = try container.decodeRaw(GatewayEvent.Kind.self, forKey: .kind)
        device = try container.decodeIfPresent(String.self, forKey: .device)
        point = try container.decodeIfPresent(String.self, forKey: .point)
        link = try container.decodeIfPresent(String.self, forKey: .link)
        indicator = try container.decodeIfPresent(String.self, forKey: .indicator)
        level = try container.decodeRawIfPresent(AlarmLevel.self, forKey: .level)
        value = try container.decodeValueIfPresent(forKey: .value)
        limit = try container.decodeIfPresent(Double.self, forKey: .limit)
        unit = try container.decodeIfPresent(String.self, forKey: .unit)
        timestamp = try container.decodeTimestamp(forKey: .timestamp)
        reason = try container.decode(String.self, forKey: .reason)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(kind.rawValue, forKey: .kind)
        try container.encodeIfPresent(device, forKey: .device)
        try container.encodeIfPresent(point, forKey: .point)
        try container.encodeIfPresent(link, forKey: .link)
        try container.encodeIfPresent(indicator, forKey: .indicator)
        try container.encodeIfPresent(level?.rawValue, forKey: .level)
        try container.encodeValueIfPresent(value, forKey: .value)
        try container.encodeFiniteIfPresent(limit, forKey: .limit)
        try container.encodeIfPresent(unit, forKey: .unit)
        try container.encodeTimestamp(timestamp, forKey: .timestamp)
        try container.encode(reason, forKey: .reason)
    }
}
