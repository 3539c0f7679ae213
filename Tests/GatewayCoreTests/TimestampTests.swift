import GatewayCore
import Testing

@Suite("Timestamps")
struct TimestampTests {
    // Expected strings checked with Python: datetime.fromtimestamp(ms // 1000, timezone.utc).
    @Test(
        "ISO 8601 with exact milliseconds",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"),
            (1_795_404_600_123, "2026-11-23T03:30:00.123Z"),
            (1_795_404_600_999, "2026-11-23T03:30:00.999Z"),
            (951_782_400_001, "2000-02-29T00:00:00.001Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            // Century rules of the integer calendar: 1900 and 2100 are not leap years, 2400 is.
            (-2_203_891_200_000, "1900-03-01T00:00:00.000Z"),
            (4_107_542_399_500, "2100-02-28T23:59:59.500Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            (13_574_606_400_007, "2400-02-29T12:00:00.007Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
            (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        ]
    )
    func description(milliseconds: Int64, expected: String) {
        #expect(Timestamp(milliseconds: milliseconds).description == expected)
    }

    @Test func qualityOrdersLevelsAndKeepsTheWorst() {
        #expect(Quality.good.worst(.uncertain(.warmup)) == .uncertain(.warmup))
        #expect(Quality.bad(.timeout).worst(.uncertain(.warmup)) == .bad(.timeout))
        #expect(Quality.bad(.timeout).worst(.bad(.stale)) == .bad(.timeout), "the first wins a tie")
        #expect(Quality.bad(.deviceException(2)).description == "bad (device_exception_2)")
    }
}
