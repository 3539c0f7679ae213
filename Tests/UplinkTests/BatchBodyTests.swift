import Foundation
import GatewayCore
import Outbox
import Testing
import Uplink
import UplinkPayload

/// The body the forwarders send is written straight from the batch's records
/// (`BatchPayload.encodedBytes(batch:…)`): byte for byte the body of the payload built from the batch,
/// which the receiver decodes back to the same events and readings.
@Suite("Uplink batch body")
struct BatchBodyTests {
    static let time = Timestamp(milliseconds: 1_795_392_000_000)

    static func reading(_ point: String, _ value: Value?, quality: Quality = .good) -> Reading {
        Reading(
            gateway: "gw",
            device: "tank-\"7\"",
            point: point,
            indicator: point == "level" ? "LT-101" : nil,
            value: value,
            unit: value == nil ? nil : "m",
            quality: quality,
            timestamp: time
        )
    }

    static let batch = Batch(
        destination: "park",
        records: [
            Record(
                sequence: 9,
                payload: .event(
                    GatewayEvent(
                        kind: .alarmRaised,
                        gateway: "gw",
                        device: "tank-\"7\"",
                        point: "level",
                        level: .level1,
                        value: .number(9.5),
                        limit: 9,
                        unit: "m",
                        timestamp: time,
                        reason: "value 9.5 m ≥ level1 9"
                    )
                )
            ),
            Record(sequence: 3, payload: .reading(reading("level", .number(9.5)))),
            Record(sequence: 4, payload: .reading(reading("state", .integer(1 << 70))), backfill: true),
            Record(sequence: 5, payload: .reading(reading("trip", nil, quality: .bad(.timeout)))),
        ],
        logID: "log-1",
        gateway: "gw"
    )

    @Test(arguments: [String?.none, "log-1"])
    func theBodyIsThePayloadsBodyByteForByte(logID: String?) throws {
        let payload = BatchPayload(
            batch: Self.batch,
            gateway: "gw",
            enterprise: "91320500MA1XXXXX",
            logID: logID,
            sentAt: Self.time
        )
        let body = BatchPayload.encodedBytes(
            batch: Self.batch,
            gateway: "gw",
            enterprise: "91320500MA1XXXXX",
            logID: logID,
            sentAt: Self.time
        )
        #expect(body == payload.encodedBytes())
        let decoded = try BatchPayload.decode(from: Data(body))
        #expect(decoded.firstSeq == 3 && decoded.lastSeq == 9)
        #expect(decoded.events.map(\.sequence) == [9])
        #expect(decoded.records.map(\.sequence) == [3, 4, 5])
        #expect(decoded.records.map(\.backfill) == [false, true, false])
    }

    /// The body is written from each reading without making its payload record: every field, each
    /// optional present and absent, every kind of value and texts that need escaping come out as
    /// `JSONEncoder` writes the payload built from the batch.
    @Test func everyFieldOfEveryReadingIsWrittenAsJSONEncoderWritesIt() throws {
        let texts = ["", "LT-101", "甲烷 浓度", "quote \" backslash \\ /", "line\nbreak\t\r", "\u{1}\u{1F}", "🔥"]
        let values: [Value?] = [
            .number(37.5), .number(-0.0), .number(1e21), .number(.nan), .integer(Int128(UInt64.max)),
            .integer(-42), .bool(true), .bool(false), .text("a \"b\""), nil,
        ]
        let qualities: [Quality] = [.good, .uncertain(.warmup), .bad(.timeout), .bad(.deviceException(2))]
        var records: [Record] = []
        for index in 0..<40 {
            let text = texts[index % texts.count]
            var reading = Reading(
                gateway: "gw",
                device: "device \(text)",
                point: text.isEmpty ? "p" : text,
                indicator: index % 3 == 0 ? nil : "IND-\(text)",
                value: values[index % values.count],
                unit: index % 4 == 0 ? nil : "%LEL",
                quality: qualities[index % qualities.count],
                timestamp: Timestamp(milliseconds: 1_795_392_000_123 + Int64(index) * 1001),
                sequence: UInt64(index),
                report: [.change, .snapshot, .poll][index % 3],
                raw: index % 4 == 2 ? "0x7FFF" : nil,
                staleSince: index % 6 == 1 ? Timestamp(milliseconds: 1_795_392_009_000 + Int64(index)) : nil
            )
            reading.clock = [nil, .unsynchronised, nil, .stepped][index % 4]
            records.append(Record(sequence: Int64(100 + index), payload: .reading(reading), backfill: index % 5 == 0))
        }
        let batch = Batch(destination: "park", records: records, logID: "log-1", gateway: "gw")
        let payload = BatchPayload(batch: batch, gateway: "gw", enterprise: "e", logID: "log-1", sentAt: Self.time)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = Array(try encoder.encode(payload))
        let body = BatchPayload.encodedBytes(
            batch: batch,
            gateway: "gw",
            enterprise: "e",
            logID: "log-1",
            sentAt: Self.time
        )
        #expect(
            body == expected,
            "\(String(decoding: body, as: UTF8.self))\n≠\n\(String(decoding: expected, as: UTF8.self))"
        )
        let decoded = try BatchPayload.decode(from: Data(body))
        #expect(decoded.records.map(\.sequence) == Array(100..<140))
        #expect(decoded.readings.map(\.clock) == records.map { $0.reading?.clock })
    }

    @Test func anEmptyBatchIsWrittenAsThePayloadWritesIt() {
        let empty = Batch(destination: "park", records: [])
        let payload = BatchPayload(batch: empty, gateway: "gw", enterprise: "e", logID: nil, sentAt: Self.time)
        #expect(
            BatchPayload.encodedBytes(batch: empty, gateway: "gw", enterprise: "e", logID: nil, sentAt: Self.time)
                == payload.encodedBytes()
        )
    }
}
