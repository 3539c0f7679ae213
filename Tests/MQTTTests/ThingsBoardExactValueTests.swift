import GatewayCore
import Testing
import UplinkPayload

/// ThingsBoard telemetry keeps every digit of an integer, sends no value for a bad reading but its raw
/// registers, and says when a stale reading was found stale.
@Suite("ThingsBoard telemetry: exact, bad and stale values")
struct ThingsBoardExactValueTests {
    @Test func integersRawRegistersAndStaleTimes() {
        let t = Timestamp(milliseconds: 1_483_228_800_000)
        let items: [ThingsBoardGateway.Item] = [
            .reading(
                Reading(
                    gateway: "GW-1",
                    device: "M-1",
                    point: "total",
                    value: .integer(81_985_529_216_486_895),
                    quality: .good,
                    timestamp: t
                ),
                sequence: 1
            ),
            .reading(
                Reading(
                    gateway: "GW-1",
                    device: "M-1",
                    point: "gas",
                    value: nil,
                    quality: .bad(.sensorFault),
                    timestamp: t,
                    raw: "0x7FFF"
                ),
                sequence: 2
            ),
            .reading(
                Reading(
                    gateway: "GW-1",
                    device: "M-1",
                    point: "level",
                    value: nil,
                    quality: .bad(.stale),
                    timestamp: t,
                    staleSince: Timestamp(milliseconds: 1_483_228_803_000)
                ),
                sequence: 3
            ),
        ]
        let text = String(
            decoding: ThingsBoardGateway.telemetry(items, gateway: "GW-1", deviceName: { $0 }),
            as: UTF8.self
        )
        #expect(text.contains(#""total":81985529216486895,"#), "\(text)")
        #expect(
            text.contains(#""gas":null,"gas_quality":"bad (sensor_fault)","gas_seq":2,"gas_raw":"0x7FFF""#),
            "\(text)"
        )
        #expect(text.contains(#""level_stale_since":1483228803000"#), "\(text)")
        #expect(!text.contains("total_raw") && !text.contains("total_stale_since"))
    }
}
