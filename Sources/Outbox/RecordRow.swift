import GRDB
import GatewayCore

/// How a ``Record`` maps onto a row of the `record` table.
enum RecordRow {
    /// The columns read back, in the order `decode` expects.
    static let columns = """
        sequence, lane, gateway, device, point, indicator, link, value_type, value, unit, quality_level, \
        quality_reason, timestamp, report, event_kind, alarm_level, limit_value, reason, source_sequence, raw, \
        stale_since, clock
        """

    /// The inserts are `OR ROLLBACK`: a constraint that fails ends the whole transaction (an append is all or
    /// nothing anyway), so SQLite keeps no statement journal for them. With the default `ABORT`, every page a
    /// multi-row insert touched was first copied into a statement journal, spilled past 64 KiB into a file
    /// in `/var/tmp`: 5,600 of the 7,800 `pwrite` calls a second at 10,000 readings a second.
    static let insertReading = """
        INSERT OR ROLLBACK INTO record_head (lane, gateway, device, point, indicator, value_type, value, unit,
            quality_level, quality_reason, timestamp, report, source_sequence, in_alarm, raw, stale_since, clock)
        VALUES ('reading', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static let insertEvent = """
        INSERT OR ROLLBACK INTO record_head (lane, gateway, device, point, link, indicator, alarm_level, value_type, value,
            limit_value, unit, timestamp, reason, event_kind, source_sequence)
        VALUES ('event', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Readings stored by one statement (``insertReadings``): a statement's fixed cost in GRDB and
    /// SQLite (reset, bind, step, hooks) is paid once per 32 rows instead of once per row.
    static let readingsPerInsert = 32

    /// ``insertReading`` for ``readingsPerInsert`` rows. They get consecutive sequence numbers, in
    /// order, as single-row inserts in one transaction would.
    static let insertReadings: String = {
        let row = "('reading', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        return """
            INSERT OR ROLLBACK INTO record_head (lane, gateway, device, point, indicator, value_type, value, unit,
                quality_level, quality_reason, timestamp, report, source_sequence, in_alarm, raw, stale_since, clock)
            VALUES \(Array(repeating: row, count: readingsPerInsert).joined(separator: ", "))
            """
    }()

    static func arguments(_ reading: Reading, inAlarm: Bool) -> StatementArguments {
        let (valueType, value) = encode(reading.value)
        return [
            reading.gateway, reading.device, reading.point, reading.indicator, valueType, value, reading.unit,
            reading.quality.level.rawValue, reading.quality.reason?.description, reading.timestamp.milliseconds,
            reading.report.rawValue, Int64(bitPattern: reading.sequence), inAlarm ? 1 : 0, reading.raw,
            reading.staleSince?.milliseconds, reading.clock?.rawValue,
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

    /// A number is stored as REAL, an exact integer as INTEGER, or, above `Int64.max`, as its decimal
    /// TEXT; all three under `value_type` `number` (the `value` column has no type, so SQLite keeps each
    /// storage class as written).
    private static func encode(_ value: Value?) -> (String?, (any DatabaseValueConvertible)?) {
        switch value {
        case .none: (nil, nil)
        case .number(let number): ("number", number)
        case .integer(let integer):
            ("number", Int64(exactly: integer) ?? String(integer) as any DatabaseValueConvertible)
        case .bool(let bool): ("bool", bool ? 1 : 0)
        case .text(let text): ("text", text)
        }
    }

    // Column indexes in `columns`: rows are decoded by position, not by name (a name lookup per column
    // per row cost more than the rest of the decoding in the benchmarks).
    static let sequenceColumn = 0
    static let laneColumn = 1
    static let gatewayColumn = 2
    static let deviceColumn = 3
    static let pointColumn = 4
    static let indicatorColumn = 5
    static let linkColumn = 6
    static let valueTypeColumn = 7
    static let valueColumn = 8
    static let unitColumn = 9
    static let qualityLevelColumn = 10
    static let qualityReasonColumn = 11
    static let timestampColumn = 12
    static let reportColumn = 13
    static let eventKindColumn = 14
    static let alarmLevelColumn = 15
    static let limitColumn = 16
    static let reasonColumn = 17
    static let sourceSequenceColumn = 18
    static let rawColumn = 19
    static let staleSinceColumn = 20
    static let clockColumn = 21
    /// How many columns `columns` names: the index of a column selected after them.
    static let columnCount = 22

    private static func decodeValue(_ row: Row) -> Value? {
        switch row[valueTypeColumn] as String? {
        case "number": decodeNumber(row[valueColumn] as DatabaseValue)
        case "bool": (row[valueColumn] as Int64?).map { .bool($0 != 0) }
        case "text": (row[valueColumn] as String?).map(Value.text)
        default: nil
        }
    }

    /// REAL is a number, INTEGER an exact integer, TEXT the decimal digits of an integer above `Int64.max`.
    private static func decodeNumber(_ stored: DatabaseValue) -> Value? {
        switch stored.storage {
        case .int64(let integer): .integer(Int128(integer))
        case .double(let number): .number(number)
        case .string(let text): Int128(text).map(Value.integer)
        case .null, .blob: nil
        }
    }

    /// The record a row holds (selected with ``columns``, which may be followed by more). Fails on a
    /// row this build cannot read (a kind or level it does not know).
    static func decode(_ row: Row, backfill: Bool = false) throws -> Record {
        let sequence: Int64 = row[sequenceColumn]
        let timestamp = Timestamp(milliseconds: row[timestampColumn])
        let sourceSequence = UInt64(bitPattern: row[sourceSequenceColumn] as Int64)
        switch row[laneColumn] as String {
        case Lane.reading.rawValue:
            guard let level = Quality.Level(rawValue: row[qualityLevelColumn] ?? ""),
                let report = Reading.Report(rawValue: row[reportColumn] ?? "")
            else { throw DatabaseError(message: "record \(sequence): unreadable quality or report") }
            let reason = (row[qualityReasonColumn] as String?).flatMap(QualityReasonName.reason(named:))
            var reading = Reading(
                gateway: row[gatewayColumn],
                device: row[deviceColumn] ?? "",
                point: row[pointColumn] ?? "",
                indicator: row[indicatorColumn],
                value: decodeValue(row),
                unit: row[unitColumn],
                quality: Quality(level, reason),
                timestamp: timestamp,
                sequence: sourceSequence,
                report: report,
                raw: row[rawColumn],
                staleSince: (row[staleSinceColumn] as Int64?).map(Timestamp.init(milliseconds:))
            )
            reading.clock = (row[clockColumn] as String?).flatMap { ClockCondition(rawValue: $0) }
            return Record(sequence: sequence, payload: .reading(reading), backfill: backfill)
        default:
            guard let kind = GatewayEvent.Kind(rawValue: row[eventKindColumn] ?? "") else {
                throw DatabaseError(message: "record \(sequence): unknown event kind")
            }
            let event = GatewayEvent(
                kind: kind,
                gateway: row[gatewayColumn],
                device: row[deviceColumn],
                point: row[pointColumn],
                link: row[linkColumn],
                indicator: row[indicatorColumn],
                level: (row[alarmLevelColumn] as String?).flatMap(AlarmLevel.init(rawValue:)),
                value: decodeValue(row),
                limit: row[limitColumn],
                unit: row[unitColumn],
                timestamp: timestamp,
                reason: row[reasonColumn] ?? "",
                sequence: sourceSequence
            )
            return Record(sequence: sequence, payload: .event(event), backfill: backfill)
        }
    }
}
