import GRDB
import GatewayCore

/// How a ``Record`` maps onto a row of the `record` table.
enum RecordRow {
    /// The columns read back, in the order `decode` expects.
    static let columns = """
        sequence, lane, gateway, device, point, indicator, link, value_type, value, unit, quality_level, \
        quality_reason, timestamp, report, event_kind, alarm_level, limit_value, reason, source_sequence
        """

    static let insertReading = """
        INSERT INTO record (lane, gateway, device, point, indicator, value_type, value, unit, quality_level,
            quality_reason, timestamp, report, source_sequence, in_alarm)
        VALUES ('reading', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static let insertEvent = """
        INSERT INTO record (lane, gateway, device, point, link, indicator, alarm_level, value_type, value,
            limit_value, unit, timestamp, reason, event_kind, source_sequence)
        VALUES ('event', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func arguments(_ reading: Reading, inAlarm: Bool) -> StatementArguments {
        let (valueType, value) = encode(reading.value)
        return [
            reading.gateway, reading.device, reading.point, reading.indicator, valueType, value, reading.unit,
            reading.quality.level.rawValue, reading.quality.reason?.description, reading.timestamp.milliseconds,
            reading.report.rawValue, Int64(bitPattern: reading.sequence), inAlarm ? 1 : 0,
        ]
    }

    static func arguments(_ event: GatewayEvent) -> StatementArguments {
        let (valueType, value) = encode(event.value)
        return [
            event.gateway, event.device, event.point, event.link, event.indicator, event.level?.rawValue,
            valueType, value, event.limit, event.unit, event.timestamp.milliseconds, event.reason,
            event.kind.rawValue, Int64(bitPattern: event.sequence),
        ]
    }

    private static func encode(_ value: Value?) -> (String?, (any DatabaseValueConvertible)?) {
        switch value {
        case .none: (nil, nil)
        case .number(let number): ("number", number)
        case .bool(let bool): ("bool", bool ? 1 : 0)
        case .text(let text): ("text", text)
        }
    }

    private static func decodeValue(_ row: Row) -> Value? {
        switch row["value_type"] as String? {
        case "number": (row["value"] as Double?).map(Value.number)
        case "bool": (row["value"] as Int64?).map { .bool($0 != 0) }
        case "text": (row["value"] as String?).map(Value.text)
        default: nil
        }
    }

    /// The record a row holds. Fails on a row this build cannot read (a kind or level it does not know).
    static func decode(_ row: Row, backfill: Bool = false) throws -> Record {
        let sequence: Int64 = row["sequence"]
        let timestamp = Timestamp(milliseconds: row["timestamp"])
        let sourceSequence = UInt64(bitPattern: row["source_sequence"] as Int64)
        switch row["lane"] as String {
        case Lane.reading.rawValue:
            guard let level = Quality.Level(rawValue: row["quality_level"] ?? ""),
                let report = Reading.Report(rawValue: row["report"] ?? "")
            else { throw DatabaseError(message: "record \(sequence): unreadable quality or report") }
            let reason = (row["quality_reason"] as String?).flatMap(QualityReasonName.reason(named:))
            let reading = Reading(
                gateway: row["gateway"],
                device: row["device"] ?? "",
                point: row["point"] ?? "",
                indicator: row["indicator"],
                value: decodeValue(row),
                unit: row["unit"],
                quality: Quality(level, reason),
                timestamp: timestamp,
                sequence: sourceSequence,
                report: report
            )
            return Record(sequence: sequence, payload: .reading(reading), backfill: backfill)
        default:
            guard let kind = GatewayEvent.Kind(rawValue: row["event_kind"] ?? "") else {
                throw DatabaseError(message: "record \(sequence): unknown event kind")
            }
            let event = GatewayEvent(
                kind: kind,
                gateway: row["gateway"],
                device: row["device"],
                point: row["point"],
                link: row["link"],
                indicator: row["indicator"],
                level: (row["alarm_level"] as String?).flatMap(AlarmLevel.init(rawValue:)),
                value: decodeValue(row),
                limit: row["limit_value"],
                unit: row["unit"],
                timestamp: timestamp,
                reason: row["reason"] ?? "",
                sequence: sourceSequence
            )
            return Record(sequence: sequence, payload: .event(event), backfill: backfill)
        }
    }
}
