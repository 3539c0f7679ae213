public import GatewayCore

/// One row of the log: a reading or an event, with the sequence number the log gave it.
public struct Record: Sendable, Hashable {
    /// What the row holds.
    public enum Payload: Sendable, Hashable {
        case reading(Reading)
        case event(GatewayEvent)
    }

    /// Assigned by the log on append: strictly increasing, never reused, even after deletes.
    public var sequence: Int64
    /// The reading or event, every field as it was stored (its own `sequence` is the emitter's).
    public var payload: Payload
    /// True when the record is sent later than the live window (its timestamp is more than the window
    /// before the moment its batch was first read): the uplink was behind or down. Decided by age alone
    /// when a batch is first read and frozen with it (`sent_batch`); always false in history queries.
    public var backfill: Bool

    public init(sequence: Int64, payload: Payload, backfill: Bool = false) {
        self.sequence = sequence
        self.payload = payload
        self.backfill = backfill
    }

    /// The lane the record travels in, which is also its kind.
    public var lane: Lane {
        switch payload {
        case .reading: .reading
        case .event: .event
        }
    }

    /// The reading's or the event's timestamp.
    public var timestamp: Timestamp {
        switch payload {
        case .reading(let reading): reading.timestamp
        case .event(let event): event.timestamp
        }
    }

    /// The reading, when the record holds one.
    public var reading: Reading? {
        if case .reading(let reading) = payload { return reading }
        return nil
    }

    /// The event, when the record holds one.
    public var event: GatewayEvent? {
        if case .event(let event) = payload { return event }
        return nil
    }

    /// The fixed part of ``estimatedBytes``: no record is estimated smaller.
    static let estimatedOverhead = 160

    /// A rough size of the record once encoded for the platform (JSON-like: a fixed overhead plus the
    /// UTF-8 length of its texts), used for a batch's `maxBytes`.
    public var estimatedBytes: Int {
        let overhead = Self.estimatedOverhead
        switch payload {
        // Summed one by one: an array of the texts would be allocated for every record of every batch.
        case .reading(let reading):
            return overhead + reading.gateway.utf8.count + reading.device.utf8.count + reading.point.utf8.count
                + Self.length(reading.indicator) + Self.length(reading.unit) + Self.size(of: reading.value)
                + (reading.raw.map { $0.utf8.count + 10 } ?? 0) + (reading.staleSince == nil ? 0 : 40)
        case .event(let event):
            return overhead + event.gateway.utf8.count + Self.length(event.device) + Self.length(event.point)
                + Self.length(event.link) + Self.length(event.indicator) + Self.length(event.unit)
                + event.reason.utf8.count + Self.size(of: event.value)
        }
    }

    private static func length(_ text: String?) -> Int {
        text?.utf8.count ?? 0
    }

    private static func size(of value: Value?) -> Int {
        switch value {
        case .none: 4
        case .number, .integer: 24
        case .bool: 5
        case .text(let text): text.utf8.count + 2
        }
    }
}
