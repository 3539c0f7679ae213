import Decoding
import GatewayCore
import Testing

/// Honeywell Midas gas detector, register 40001 (status word): bits 0-3 monitor state (2 = alarms inhibited),
/// bit 6 low alarm, bit 7 high alarm. Bit 0 is the least significant bit.
@Suite("Bits, bit fields and bool")
struct BitDecodingTests {
    @Test("Midas status 0x00C2: bit 6 and bit 7 set, bits 0-3 = 2")
    func midasStatus() {
        let status: [UInt16] = [0x00C2]
        #expect(Decoder.decode(registers: status, as: .bit(6), order: .abcd).value == .bool(true))
        #expect(Decoder.decode(registers: status, as: .bit(7), order: .abcd).value == .bool(true))
        #expect(Decoder.decode(registers: status, as: .bitField(0...3), order: .abcd).value == .unsigned(2))
    }

    @Test(
        "each bit of 0x00C2 (0000 0000 1100 0010)",
        arguments: Array(0...15)
    )
    func everyBit(number: Int) {
        let expected = number == 1 || number == 6 || number == 7
        #expect(Decoder.decode(registers: [0x00C2], as: .bit(number), order: .abcd).value == .bool(expected))
    }

    @Test("bit 0 is the least significant and bit 15 the most significant")
    func bitEnds() {
        #expect(Decoder.decode(registers: [0x0001], as: .bit(0), order: .abcd).value == .bool(true))
        #expect(Decoder.decode(registers: [0x0001], as: .bit(15), order: .abcd).value == .bool(false))
        #expect(Decoder.decode(registers: [0x8000], as: .bit(15), order: .abcd).value == .bool(true))
        #expect(Decoder.decode(registers: [0x8000], as: .bit(0), order: .abcd).value == .bool(false))
    }

    @Test("a byte-swapped (BA) status word is swapped before the bit is taken")
    func swappedBit() {
        // 0x00C2 sent low byte first arrives as 0xC200.
        #expect(Decoder.decode(registers: [0xC200], as: .bit(7), order: .badc).value == .bool(true))
        #expect(Decoder.decode(registers: [0xC200], as: .bit(15), order: .badc).value == .bool(false))
        #expect(Decoder.decode(registers: [0xC200], as: .bitField(0...3), order: .badc).value == .unsigned(2))
    }

    @Test(
        "bit fields",
        arguments: [
            (UInt16(0x00C2), 0...3, UInt64(2)),
            (0x00C2, 4...7, 0xC),
            (0x00C2, 6...7, 3),
            (0xABCD, 0...15, 0xABCD),
            (0xABCD, 12...15, 0xA),
            (0xABCD, 8...11, 0xB),
            (0x8000, 15...15, 1),
            (0x7FFF, 15...15, 0),
        ]
    )
    func bitField(register: UInt16, bits: ClosedRange<Int>, expected: UInt64) {
        let reading = Decoder.decode(registers: [register], as: .bitField(bits), order: .abcd)
        // A field's sentinel bits are the field itself, shifted down.
        #expect(reading == RawReading(value: .unsigned(expected), bits: expected))
    }

    @Test("bool from a register: non-zero is true")
    func boolRegister() {
        #expect(Decoder.decode(registers: [0x0000], as: .bool, order: .abcd).value == .bool(false))
        #expect(Decoder.decode(registers: [0x0001], as: .bool, order: .abcd).value == .bool(true))
        #expect(Decoder.decode(registers: [0xFF00], as: .bool, order: .abcd).value == .bool(true))
        #expect(Decoder.decode(registers: [0x8000], as: .bool, order: .badc).value == .bool(true))
    }

    @Test("coil and discrete-input bits")
    func coil() {
        #expect(Decoder.decode(bit: true) == RawReading(value: .bool(true), bits: 1))
        #expect(Decoder.decode(bit: false) == RawReading(value: .bool(false), bits: 0))
    }

    @Test("bit fields convert to numbers and scale like integers")
    func bitFieldConverts() {
        let reading = Decoder.decode(registers: [0x00C2], as: .bitField(0...3), order: .abcd)
        let decoded = Decoder.convert(
            reading,
            type: .bitField(0...3),
            with: Conversion(scaling: .factor(scale: 10, offset: 1))
        )
        #expect(decoded.value == .number(21))
        #expect(decoded.quality == .good)
    }

    @Test("bits convert to bools, good, unscaled")
    func bitConverts() {
        let reading = Decoder.decode(registers: [0x00C2], as: .bit(6), order: .abcd)
        let decoded = Decoder.convert(reading, type: .bit(6), with: Conversion(scaling: .factor(scale: 10, offset: 1)))
        #expect(decoded == DecodedValue(value: .bool(true), quality: .good, raw: reading, signals: []))
        let coil = Decoder.convert(Decoder.decode(bit: false), type: .bool, with: Conversion())
        #expect(coil.value == .bool(false))
        #expect(coil.quality == .good)
    }
}
