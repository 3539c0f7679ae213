import GatewayCore
import Outbox
import PlatformProfile
import Testing
import UplinkPayload

/// The `chemgate-json` profile renders chemgate.batch/1 byte for byte as the batch writer does.
@Suite("chemgate-json profile")
struct ChemgateJSONProfileTests {
    /// The fixture's records plus the odd cases: a boolean, a text value, a backfill reading with its own
    /// indicator and a reason, an event without device or level, a value with many digits.
    static let records: [Record] =
        ProfileFixture.records + [
            Record(
                sequence: 105,
                payload: .reading(
                    Reading(
                        gateway: "gw-tank-01",
                        device: "tank-a",
                        point: "pump_running",
                        value: .bool(true),
                        quality: .good,
                        timestamp: Timestamp(milliseconds: ProfileFixture.t0 + 2000),
                        report: .snapshot
                    )
                ),
                backfill: true
            ),
            Record(
                sequence: 106,
                payload: .reading(
                    Reading(
                        gateway: "gw-tank-01",
                        device: "tank-a",
                        point: "serial",
                        indicator: "SN-\"1\"",
                        value: .text("A/B\\C\n"),
                        quality: .uncertain(.warmup),
                        timestamp: Timestamp(milliseconds: ProfileFixture.t0 + 2001)
                    )
                )
            ),
            Record(
                sequence: 107,
                payload: .event(
                    GatewayEvent(
                        kind: .linkDown,
                        gateway: "gw-tank-01",
                        link: "bus1",
                        timestamp: Timestamp(milliseconds: ProfileFixture.t0 + 3000),
                        reason: "connection refused"
                    )
                )
            ),
            Record(
                sequence: 108,
                payload: .reading(
                    Reading(
                        gateway: "gw-tank-01",
                        device: "gas-1",
                        point: "lel",
                        value: .number(0.1 + 0.2),
                        unit: "%LEL",
                        quality: .good,
                        timestamp: Timestamp(milliseconds: -1)
                    )
                )
            ),
        ]

    @Test func rendersTheBatchWritersBytes() throws {
        let (profile, _) = try ProfileLoader.load(path: ProfileFixture.repository + "/profiles/chemgate-json.yaml")
        // No catalogue decimals: chemgate's format writes values as read.
        var renderer = try ProfileRenderer(profile: profile, site: ProfileFixture.site, secrets: [:], seed: 1)
        for logID in [nil, "log-7f3a"] as [String?] {
            let rendered = try renderer.render(
                Self.records,
                sentAt: ProfileFixture.sentAt,
                batchID: "b-000101-000108",
                logID: logID
            )
            #expect(rendered.messages.count == 1)
            #expect(rendered.unsent.isEmpty)
            // What the forwarder builds from the same records (UplinkForwarder.post).
            let batch = BatchPayload(
                gateway: "gw-tank-01",
                enterprise: "91320281MA1W8XYZ5K",
                logID: logID,
                batchID: "b-000101-000108",
                sentAt: ProfileFixture.sentAt,
                events: Self.records.compactMap { record in
                    guard case .event(let event) = record.payload else { return nil }
                    var item = BatchEvent(event: event)
                    item.sequence = UInt64(record.sequence)
                    return item
                },
                records: Self.records.compactMap { record in
                    guard case .reading(let reading) = record.payload else { return nil }
                    var item = BatchRecord(reading: reading, backfill: record.backfill)
                    item.sequence = UInt64(record.sequence)
                    return item
                }
            )
            let expected = String(decoding: batch.encodedBytes(), as: UTF8.self)
            let actual = rendered.messages.first.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(actual == expected)
        }
    }
}
