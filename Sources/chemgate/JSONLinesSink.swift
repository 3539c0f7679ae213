import Foundation
import GatewayCore

/// Writes readings and events to standard output, one JSON object per line (`run --output jsonl`).
///
/// `@unchecked Sendable`: the encoder is only used inside `lock`.
final class JSONLinesSink: ReadingSink, @unchecked Sendable {
    private let encoder: JSONEncoder
    private let lock = NSLock()

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    func store(_ readings: [Reading]) async throws {
        try write(readings.map(ReadingLine.init))
    }

    func store(_ events: [GatewayEvent]) async throws {
        try write(events.map(EventLine.init))
    }

    private func write(_ lines: [some Encodable]) throws {
        guard !lines.isEmpty else { return }
        var data = Data()
        try lock.withLock {
            for line in lines {
                data.append(try encoder.encode(line))
                data.append(0x0A)
            }
        }
        FileHandle.standardOutput.write(data)
    }
}

/// A reading as one JSON line.
struct ReadingLine: Encodable {
    var type = "reading"
    var seq: UInt64
    var gateway: String
    var device: String
    var point: String
    var indicator: String?
    var value: JSONValue?
    var unit: String?
    var quality: String
    var reason: String?
    var ts: String
    var report: String
    /// Why `ts` may be wrong (`unsynchronised`, `stepped`), absent when the clock was fine.
    var clock: String?
    /// On a bad reading, its registers as read (the value is absent).
    var raw: String?
    /// On a stale reading, when staleness was detected (`ts` is the last successful read).
    var staleSince: String?

    init(_ reading: Reading) {
        seq = reading.sequence
        gateway = reading.gateway
        device = reading.device
        point = reading.point
        indicator = reading.indicator
        value = reading.value.map(JSONValue.init)
        unit = reading.unit
        quality = reading.quality.level.rawValue
        reason = reading.quality.reason?.description
        ts = reading.timestamp.description
        report = reading.report.rawValue
        clock = reading.clock?.rawValue
        raw = reading.raw
        staleSince = reading.staleSince?.description
    }

    enum CodingKeys: String, CodingKey {
        case type, seq, gateway, device, point, indicator, value, unit, quality, reason, ts, report, raw, clock
        case staleSince = "stale_since"
    }
}

/// An event as one JSON line.
struct EventLine: Encodable {
    var type = "event"
    var seq: UInt64
    var event: String
    var gateway: String
    var device: String?
    var point: String?
    var link: String?
    var indicator: String?
    var level: String?
    var value: JSONValue?
    var limit: Double?
    var unit: String?
    var ts: String
    var reason: String

    init(_ event: GatewayEvent) {
        seq = event.sequence
        self.event = event.kind.rawValue
        gateway = event.gateway
        device = event.device
        point = event.point
        link = event.link
        indicator = event.indicator
        level = event.level?.rawValue
        value = event.value.map(JSONValue.init)
        limit = event.limit
        unit = event.unit
        ts = event.timestamp.description
        reason = event.reason
    }
}

/// A point value as JSON: a number, true/false or a string.
struct JSONValue: Encodable {
    var value: Value

    init(_ value: Value) { self.value = value }

    /// Exact integers keep every digit (`Value`'s own encoding).
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
