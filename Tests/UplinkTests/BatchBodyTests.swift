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

    @Test func anEmptyBatchIsWrittenAsThePayloadWritesIt() {
        let empty = Batch(destination: "park", records: [])
        let payload = BatchPayload(batch: empty, gateway: "gw", enterprise: "e", logID: nil, sentAt: Self.time)
        #expect(
            BatchPayload.encodedBytes(batch: empty, gateway: "gw", enterprise: "e", logID: nil, sentAt: Self.time)
                == payload.encodedBytes()
        )
    }
}
