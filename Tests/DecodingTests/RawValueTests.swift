import Decoding
import Testing

@Suite("RawValue")
struct RawValueTests {
    @Test(
        "doubleValue of numbers and bools",
        arguments: [
            (RawValue.bool(true), 1.0), (.bool(false), 0), (.signed(-2), -2),
            (.signed(Int64(Int32.min)), -2_147_483_648),
            (.unsigned(65535), 65535), (.float(-2.5), -2.5), (.float(.infinity), .infinity),
        ]
    )
    func doubleValue(raw: RawValue, expected: Double) {
        #expect(raw.doubleValue == expected)
    }

    @Test("doubleValue of text and invalid is nil")
    func noDouble() {
        #expect(RawValue.text("GD-101").doubleValue == nil)
        #expect(RawValue.invalid("why").doubleValue == nil)
    }
}
