import Decoding
import GatewayCore
import Testing

@Suite("BCD decoding")
struct BCDDecodingTests {
    @Test(
        "bcd16",
        arguments: [
            (UInt16(0x1234), UInt64(1234)), (0x0000, 0), (0x0009, 9), (0x0010, 10), (0x9999, 9999), (0x0500, 500),
        ]
    )
    func bcd16(register: UInt16, expected: UInt64) {
        let reading = Decoder.decode(registers: [register], as: .bcd16, order: .abcd)
        #expect(reading == RawReading(value: .unsigned(expected), bits: UInt64(register)))
    }

    @Test("bcd16 byte-swapped: [0x3412] BA → 1234")
    func bcd16Swapped() {
        #expect(Decoder.decode(registers: [0x3412], as: .bcd16, order: .badc).value == .unsigned(1234))
    }

    @Test(
        "bcd32 123456 in each order",
        arguments: [
            ([UInt16(0x0012), 0x3456], ByteOrder.abcd),
            ([0x3456, 0x0012], .cdab),
            ([0x1200, 0x5634], .badc),
            ([0x5634, 0x1200], .dcba),
        ]
    )
    func bcd32(registers: [UInt16], order: ByteOrder) {
        let reading = Decoder.decode(registers: registers, as: .bcd32, order: order)
        #expect(reading == RawReading(value: .unsigned(123_456), bits: 0x0012_3456))
    }

    @Test("bcd32 99999999")
    func bcd32Max() {
        #expect(Decoder.decode(registers: [0x9999, 0x9999], as: .bcd32, order: .abcd).value == .unsigned(99_999_999))
    }

    @Test("invalid nibble names the nibble and the word")
    func invalidNibbleMessage() {
        let reading = Decoder.decode(registers: [0x12A4], as: .bcd16, order: .abcd)
        #expect(reading == RawReading(value: .invalid("BCD nibble 0xA in 0x12A4"), bits: 0x12A4))
        let wide = Decoder.decode(registers: [0x0012, 0x345F], as: .bcd32, order: .abcd)
        #expect(wide.value == .invalid("BCD nibble 0xF in 0x0012345F"))
    }

    @Test(
        "any nibble above 9 is invalid and converts to bad(invalidValue) with no value",
        arguments: [
            (DataType.bcd16, [UInt16(0x12A4)]), (.bcd16, [0xFFFF]), (.bcd16, [0xA000]), (.bcd16, [0x000B]),
            (.bcd32, [0x0012, 0x345F]), (.bcd32, [0xC000, 0x0000]), (.bcd32, [0xFFFF, 0xFFFF]),
        ]
    )
    func invalidNibble(type: DataType, registers: [UInt16]) {
        let reading = Decoder.decode(registers: registers, as: type, order: .abcd)
        guard case .invalid = reading.value else {
            Issue.record("expected invalid, got \(reading.value)")
            return
        }
        let decoded = Decoder.convert(reading, type: type, with: Conversion())
        #expect(decoded.value == nil)
        #expect(decoded.quality == .bad(.invalidValue))
    }
}
