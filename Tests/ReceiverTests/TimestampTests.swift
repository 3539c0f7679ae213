import Foundation
import GatewayCore
import Testing
import UplinkPayload

@Suite("Timestamp wire form")
struct TimestampTests {
    @Test(
        "iso8601 is exact and parses back",
        arguments: [
            0, 1, 999, 1_795_404_600_123, 951_782_400_000, 4_102_444_799_999, -1, -86_400_001, 1_709_208_000_007,
        ] as [Int64]
    )
    func roundTrip(milliseconds: Int64) {
        let timestamp = Timestamp(milliseconds: milliseconds)
        #expect(Timestamp(iso8601: timestamp.iso8601) == timestamp)
        let fraction = ((milliseconds % 1000) + 1000) % 1000
        #expect(timestamp.iso8601.hasSuffix(".\(String(format: "%03lld", fraction))Z"))
    }

    @Test func descriptionAgreesWithTheWireFormat() {
        for milliseconds: Int64 in [1_795_404_600_123, 1_795_404_600_999, 0, 1_709_251_199_999] {
            let timestamp = Timestamp(milliseconds: milliseconds)
            #expect(timestamp.description == timestamp.iso8601)
        }
    }

    @Test func knownValue() {
        #expect(Timestamp(milliseconds: 1_795_404_600_123).iso8601 == "2026-11-23T03:30:00.123Z")
        #expect(Timestamp(iso8601: "2024-02-29T23:59:59.999Z")?.milliseconds == 1_709_251_199_999)
    }

    @Test(
        "rejects other forms",
        arguments: [
            "2026-11-23T03:30:00Z", "2026-11-23T03:30:00.123+00:00", "2026-11-23 03:30:00.123Z",
            "2026-02-29T00:00:00.000Z",
            "2026-13-01T00:00:00.000Z", "2026-11-23T24:00:00.000Z", "2026-11-23T03:30:60.000Z",
            "2026-11-23T03:30:00.12aZ", "",
        ]
    )
    func rejects(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }
}
