import Decoding
import Testing

/// IEEE 754 bit patterns written out by hand.
@Suite("Float decoding")
struct FloatDecodingTests {
    @Test(
        "float32 123456.0 (0x47F12000) in each order",
        arguments: [
            ([UInt16(0x47F1), 0x2000], ByteOrder.abcd),
            ([0x2000, 0x47F1], .cdab),
            ([0xF147, 0x0020], .badc),
            ([0x0020, 0xF147], .dcba),
        ]
    )
    func float32InEachOrder(registers: [UInt16], order: ByteOrder) {
        let reading = Decoder.decode(registers: registers, as: .float32, order: order)
        #expect(reading == RawReading(value: .float(123_456.0), bits: 0x47F1_2000))
    }

    @Test(
        "float32 exact values",
        arguments: [
            ([UInt16(0x3F80), 0x0000], 1.0),
            ([0xC020, 0x0000], -2.5),
            ([0x0000, 0x0000], 0.0),
            ([0x4120, 0x0000], 10.0),
            ([0x3F00, 0x0000], 0.5),
            // 0.1 is not exact in binary: float32 0x3DCCCCCD is 0.100000001490116119384765625.
            ([0x3DCC, 0xCCCD], 0.100000001490116119384765625),
            // The largest finite float32, (2 − 2^-23) × 2^127.
            ([0x7F7F, 0xFFFF], 340_282_346_638_528_859_811_704_183_484_516_925_440.0),
        ]
    )
    func float32Values(registers: [UInt16], expected: Double) {
        #expect(Decoder.decode(registers: registers, as: .float32, order: .abcd).value == .float(expected))
    }

    @Test("float32 -0.0 keeps its sign")
    func negativeZero() {
        let reading = Decoder.decode(registers: [0x8000, 0x0000], as: .float32, order: .abcd)
        guard case .float(let value) = reading.value else {
            Issue.record("expected a float, got \(reading.value)")
            return
        }
        #expect(value == 0 && value.sign == .minus)
        #expect(reading.bits == 0x8000_0000)
    }

    @Test(
        "float64 1.0 (0x3FF0000000000000) in each order",
        arguments: [
            ([UInt16(0x3FF0), 0x0000, 0x0000, 0x0000], ByteOrder.abcd),
            ([0xF03F, 0x0000, 0x0000, 0x0000], .badc),
            ([0x0000, 0x0000, 0x0000, 0x3FF0], .cdab),
            ([0x0000, 0x0000, 0x0000, 0xF03F], .dcba),
        ]
    )
    func float64One(registers: [UInt16], order: ByteOrder) {
        let reading = Decoder.decode(registers: registers, as: .float64, order: order)
        #expect(reading == RawReading(value: .float(1.0), bits: 0x3FF0_0000_0000_0000))
    }

    @Test(
        "float64 123456.789 (0x40FE240C9FBE76C9) in each order",
        arguments: [
            ([UInt16(0x40FE), 0x240C, 0x9FBE, 0x76C9], ByteOrder.abcd),
            ([0xFE40, 0x0C24, 0xBE9F, 0xC976], .badc),
            ([0x76C9, 0x9FBE, 0x240C, 0x40FE], .cdab),
            ([0xC976, 0xBE9F, 0x0C24, 0xFE40], .dcba),
        ]
    )
    func float64Pattern(registers: [UInt16], order: ByteOrder) {
        let reading = Decoder.decode(registers: registers, as: .float64, order: order)
        #expect(reading == RawReading(value: .float(123_456.789), bits: 0x40FE_240C_9FBE_76C9))
    }

    @Test("float64 -2.5 (0xC004000000000000)")
    func float64Negative() {
        let reading = Decoder.decode(registers: [0xC004, 0x0000, 0x0000, 0x0000], as: .float64, order: .abcd)
        #expect(reading.value == .float(-2.5))
    }

    @Test(
        "NaN and infinities decode as floats, not as numbers to trust",
        arguments: [
            (DataType.float32, [UInt16(0x7FC0), 0x0000]),  // quiet NaN
            (.float32, [0x7F80, 0x0001]),  // signalling NaN
            (.float32, [0xFFC0, 0x0000]),  // negative NaN
            (.float64, [0x7FF8, 0x0000, 0x0000, 0x0000]),  // quiet NaN
        ]
    )
    func nan(type: DataType, registers: [UInt16]) {
        let reading = Decoder.decode(registers: registers, as: type, order: .abcd)
        guard case .float(let value) = reading.value else {
            Issue.record("expected a float, got \(reading.value)")
            return
        }
        #expect(value.isNaN)
    }

    @Test("+infinity (0x7F800000) and -infinity (0xFF800000)")
    func infinities() {
        #expect(Decoder.decode(registers: [0x7F80, 0x0000], as: .float32, order: .abcd).value == .float(.infinity))
        #expect(Decoder.decode(registers: [0xFF80, 0x0000], as: .float32, order: .abcd).value == .float(-.infinity))
        #expect(
            Decoder.decode(registers: [0x7FF0, 0x0000, 0x0000, 0x0000], as: .float64, order: .abcd).value
                == .float(.infinity)
        )
    }
}
