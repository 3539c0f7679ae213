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
    /// The batch writer appends timestamps to its buffer (``Timestamp/appendISO8601(to:)``) instead of
    /// building a `String`: the same text, zero-padded fields, after whatever the buffer holds, and
    /// years past 9999 written whole, a year before 0000 with its sign (it has no wire form; the
    /// text only has to be the same everywhere); ``Timestamp/description`` is the same text.
    @Test func appendedTextIsTheWireForm() {
        let cases: [(Int64, String)] = [
            (-62_167_219_200_001, "00-1-12-31T23:59:59.999Z"), (-62_167_219_200_000, "0000-01-01T00:00:00.000Z"),
            (-62_004_243_110_955, "0005-03-01T07:08:09.045Z"), (0, "1970-01-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"), (253_402_300_800_000, "10000-01-01T00:00:00.000Z"),
            (1_795_404_600_123, "2026-11-23T03:30:00.123Z"),
        ]
        for (milliseconds, text) in cases {
            var bytes = Array("x".utf8)
            Timestamp(milliseconds: milliseconds).appendISO8601(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == "x" + text)
            #expect(Timestamp(milliseconds: milliseconds).iso8601 == text)
            #expect(Timestamp(milliseconds: milliseconds).description == text)
        }
    }

    /// Every field of the text against Foundation's formatter, over years 1583–9999 (Foundation's
    /// Gregorian calendar is Julian before 1582), at about 5,000 instants a step of 614 days, 20 hours,
    /// 30 minutes, 56.789 s apart (so every field takes many values): the digits written on the stack
    /// by ``Timestamp/appendISO8601(to:)``, and ``Timestamp/description``'s, are the calendar's.
    @Test func agreesWithFoundationsCalendarOverFourMillennia() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        let first: Int64 = -12_212_553_600_000  // 1583-01-01T00:00:00.000Z
        let last: Int64 = 253_402_300_799_999  // 9999-12-31T23:59:59.999Z
        var mismatches: [String] = []
        var count = 0
        for milliseconds in stride(from: first, through: last, by: 53_123_456_789) {
            count += 1
            var bytes: [UInt8] = []
            Timestamp(milliseconds: milliseconds).appendISO8601(to: &bytes)
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            let written = String(decoding: bytes, as: UTF8.self)
            if written != expected { mismatches.append("\(milliseconds): \(written) != \(expected)") }
            let described = Timestamp(milliseconds: milliseconds).description
            if described != expected { mismatches.append("\(milliseconds): \(described) (description) != \(expected)") }
        }
        #expect(count > 4900)
        let firstMismatches = Array(mismatches.prefix(3))
        #expect(firstMismatches.isEmpty, "\(mismatches.count) instants written otherwise")
    }
}
