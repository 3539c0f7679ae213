public import GatewayCore

/// Appends JSON text to a byte buffer exactly as `PayloadCoding.encode` (Foundation's `JSONEncoder`
/// with sorted keys and unescaped slashes) would write it, for the one payload part that is hot: a
/// batch's records. `JSONEncoder` spent more CPU on them than the rest of the uplink together
/// (BENCHMARKS.md); a test holds the two byte for byte.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// `"key":` (keys are ASCII names without escapes).
    mutating func key(_ name: StaticString) {
        bytes.append(UInt8(ascii: "\""))
        raw(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ text: String) {
        JSONString.append(text, to: &bytes)
    }

    /// The decimal digits of `number`, written in place (no `String` per number).
    mutating func unsigned(_ number: UInt64) {
        var count = 1
        var scale: UInt64 = 10
        while number >= scale && count < 20 {
            count += 1
            scale = scale &* 10
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var remaining = number
        var index = start + count - 1
        while index >= start {
            bytes[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
            index -= 1
        }
    }

    /// `"…"` holding ``Timestamp/iso8601``, written in place.
    mutating func timestamp(_ timestamp: Timestamp) {
        bytes.append(UInt8(ascii: "\""))
        timestamp.appendISO8601(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func bool(_ flag: Bool) { flag ? raw("true") : raw("false") }

    /// A finite number as `JSONEncoder` writes it: the shortest round-trip text, without `.0`.
    mutating func number(_ number: Double) {
        var text = number.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        raw(text.utf8)
    }

    /// An exact integer, every digit, as `JSONEncoder` writes an `Int64` or `UInt64`.
    mutating func integer(_ integer: Int128) { raw(String(integer).utf8) }

    /// A value, or nothing for a non-finite number (callers check ``isWritable(_:)`` before the key).
    mutating func value(_ value: Value) {
        switch value {
        case .number(let number): self.number(number)
        case .integer(let integer): self.integer(integer)
        case .bool(let flag): bool(flag)
        case .text(let text): string(text)
        }
    }

    static func isWritable(_ value: Value?) -> Bool {
        guard let value else { return false }
        if case .number(let number) = value { return number.isFinite }
        return true
    }
}

/// What a record's JSON is written from: a ``BatchRecord``'s fields, or a `Reading`'s as the record made
/// of it carries them (the same names and types), so that a batch's readings are written without a
/// record made of each.
protocol RecordFields {
    var device: String { get }
    var point: String { get }
    var indicator: String? { get }
    var value: Value? { get }
    var unit: String? { get }
    var quality: Quality { get }
    var timestamp: Timestamp { get }
    var report: Reading.Report { get }
    var clock: ClockCondition? { get }
    var raw: String? { get }
    var staleSince: Timestamp? { get }
}

extension BatchRecord: RecordFields {}

extension Reading: RecordFields {}

extension BatchRecord {
    /// Appends the record as a JSON object with sorted keys, as its `Encodable` conformance writes it.
    func write(to writer: inout JSONWriter) {
        Self.write(self, sequence: sequence, backfill: backfill, to: &writer)
    }

    /// The one place a record's JSON is laid out: `fields` as a JSON object with sorted keys, under
    /// `sequence` and `backfill`.
    static func write(_ fields: some RecordFields, sequence: UInt64, backfill: Bool, to writer: inout JSONWriter) {
        if backfill { writer.raw(#"{"backfill":true"#) } else { writer.raw(#"{"backfill":false"#) }
        if let clock = fields.clock {
            writer.raw(#","clock":"#)
            writer.string(clock.rawValue)
        }
        writer.raw(#","device":"#)
        writer.string(fields.device)
        if let indicator = fields.indicator {
            writer.raw(#","indicator":"#)
            writer.string(indicator)
        }
        writer.raw(#","point":"#)
        writer.string(fields.point)
        writer.raw(#","quality":"#)
        writer.string(fields.quality.level.rawValue)
        if let raw = fields.raw {
            writer.raw(#","raw":"#)
            writer.string(raw)
        }
        if let reason = fields.quality.reason {
            writer.raw(#","reason":"#)
            writer.string(reason.description)
        }
        writer.raw(#","report":"#)
        writer.string(fields.report.rawValue)
        writer.raw(#","seq":"#)
        writer.unsigned(sequence)
        if let staleSince = fields.staleSince {
            writer.raw(#","stale_since":"#)
            writer.timestamp(staleSince)
        }
        writer.raw(#","ts":"#)
        writer.timestamp(fields.timestamp)
        if let unit = fields.unit {
            writer.raw(#","unit":"#)
            writer.string(unit)
        }
        if JSONWriter.isWritable(fields.value), let value = fields.value {
            writer.raw(#","value":"#)
            writer.value(value)
        }
        writer.raw("}")
    }
}

extension BatchPayload {
    /// The JSON body written directly (records by ``JSONWriter``, the few events by `JSONEncoder`):
    /// byte for byte what `PayloadCoding.encode(self)` writes, several times faster.
    func writeJSON() -> [UInt8] {
        writeJSON(recordCount: records.count) { write in
            for record in records { write(record) }
        }
    }

    /// The JSON body of this batch with other records in place of its own, made one at a time as they
    /// are written rather than held in an array first: byte for byte what the batch holding them writes.
    ///
    /// A closure rather than a generic sequence: called from another module, a generic sequence is
    /// iterated by the unspecialised code, which looks up type metadata for every record (1.3 % of the
    /// gateway's CPU at 500 values/s, `perf`).
    /// - Parameters:
    ///   - recordCount: how many records `records` writes (for the buffer's size).
    ///   - records: calls its argument once for each record, in order.
    public func writeJSON(recordCount: Int, records: ((BatchRecord) -> Void) -> Void) -> [UInt8] {
        writeJSON(recordCount: recordCount) { (writer: inout JSONWriter) in
            var first = true
            records { record in
                if !first { writer.raw(",") }
                first = false
                record.write(to: &writer)
            }
        }
    }

    /// ``writeJSON(recordCount:records:)`` with readings in place of records: each written as the record
    /// made of it (`BatchRecord(reading:backfill:)` with the sequence number given) would be, without
    /// making that record (a copy of every text of every reading).
    /// - Parameters:
    ///   - recordCount: how many readings `readings` writes (for the buffer's size).
    ///   - readings: calls its argument once for each reading, in order, with the record's sequence number
    ///     and `backfill`.
    public func writeJSON(
        recordCount: Int,
        readings: ((borrowing Reading, _ sequence: UInt64, _ backfill: Bool) -> Void) -> Void
    ) -> [UInt8] {
        writeJSON(recordCount: recordCount) { (writer: inout JSONWriter) in
            var first = true
            readings { reading, sequence, backfill in
                if !first { writer.raw(",") }
                first = false
                BatchRecord.write(reading, sequence: sequence, backfill: backfill, to: &writer)
            }
        }
    }

    /// The body, with `writeRecords` writing the records' JSON objects, comma-separated, between the
    /// brackets of `records`.
    private func writeJSON(recordCount: Int, writeRecords: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + recordCount * 200 + events.count * 300)
        writer.raw("{")
        writer.key("batch_id")
        writer.string(batchID)
        writer.raw(",")
        writer.key("enterprise")
        writer.string(enterprise)
        writer.raw(",")
        writer.key("events")
        writer.raw("[")
        for (index, event) in events.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw(PayloadCoding.encode(event))
        }
        writer.raw("]")
        writer.raw(",")
        writer.key("first_seq")
        writer.unsigned(firstSeq)
        writer.raw(",")
        writer.key("gateway")
        writer.string(gateway)
        writer.raw(",")
        writer.key("last_seq")
        writer.unsigned(lastSeq)
        writer.raw(",")
        if let logID {
            writer.key("log_id")
            writer.string(logID)
            writer.raw(",")
        }
        writer.key("records")
        writer.raw("[")
        writeRecords(&writer)
        writer.raw("]")
        writer.raw(",")
        writer.key("schema")
        writer.string(Self.schema)
        writer.raw(",")
        writer.key("sent_at")
        writer.timestamp(sentAt)
        writer.raw("}")
        return writer.bytes
    }
}
