import Decoding
import GatewayCore
import Testing

@Suite("String decoding")
struct StringDecodingTests {
    @Test("[0x4744, 0x2D31, 0x3031] → \"GD-101\"")
    func tag() {
        let reading = Decoder.decode(registers: [0x4744, 0x2D31, 0x3031], as: .string(registers: 3), order: .abcd)
        #expect(reading == RawReading(value: .text("GD-101"), bits: 0))
    }

    @Test("byte-swapped registers swap the two characters of each")
    func swapped() {
        let registers: [UInt16] = [0x4447, 0x312D, 0x3130]
        #expect(Decoder.decode(registers: registers, as: .string(registers: 3), order: .badc).value == .text("GD-101"))
        #expect(Decoder.decode(registers: registers, as: .string(registers: 3), order: .dcba).value == .text("GD-101"))
        #expect(Decoder.decode(registers: registers, as: .string(registers: 3), order: .abcd).value == .text("DG1-10"))
    }

    @Test("word swap is ignored for strings")
    func wordSwapIgnored() {
        let registers: [UInt16] = [0x4744, 0x2D31, 0x3031]
        #expect(Decoder.decode(registers: registers, as: .string(registers: 3), order: .cdab).value == .text("GD-101"))
    }

    @Test(
        "trailing NULs and spaces are trimmed, leading and inner ones kept",
        arguments: [
            ([UInt16(0x4744), 0x2D31, 0x3031, 0x0000, 0x0000], "GD-101"),
            ([0x4744, 0x2D31, 0x3031, 0x2020, 0x2020], "GD-101"),
            ([0x4744, 0x2D31, 0x3031, 0x2000, 0x2000], "GD-101"),
            ([0x4720, 0x0000], "G"),
            ([0x2047, 0x4400], " GD"),
            ([0x4720, 0x4400], "G D"),
            ([0x0000, 0x0000], ""),
            ([0x2020, 0x2020], ""),
        ]
    )
    func trimming(registers: [UInt16], expected: String) {
        let type = DataType.string(registers: registers.count)
        #expect(Decoder.decode(registers: registers, as: type, order: .abcd).value == .text(expected))
    }

    @Test("a non-ASCII byte makes the string invalid, naming the byte")
    func nonASCII() {
        let reading = Decoder.decode(registers: [0x4744, 0x9F31], as: .string(registers: 2), order: .abcd)
        #expect(reading.value == .invalid("byte 0x9F is not ASCII"))
        let low = Decoder.decode(registers: [0x4744, 0x2DFF], as: .string(registers: 2), order: .abcd)
        #expect(low.value == .invalid("byte 0xFF is not ASCII"))
        let decoded = Decoder.convert(reading, type: .string(registers: 2), with: Conversion())
        #expect(decoded.value == nil)
        #expect(decoded.quality == .bad(.invalidValue))
    }

    @Test("text converts to text, good, whatever the scaling")
    func textConverts() {
        let reading = Decoder.decode(registers: [0x4744, 0x2D31, 0x3031], as: .string(registers: 3), order: .abcd)
        let decoded = Decoder.convert(
            reading,
            type: .string(registers: 3),
            with: Conversion(scaling: .factor(scale: 2, offset: 1), sentinels: [0: .fault], decimals: 1)
        )
        #expect(decoded == DecodedValue(value: .text("GD-101"), quality: .good, raw: reading, signals: []))
    }
}
