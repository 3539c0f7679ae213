import Decoding
import Testing

/// Integer layouts from the Modbus Application Protocol (big-endian registers) and the usual vendor word orders.
@Suite("Integer decoding")
struct IntegerDecodingTests {
    @Test("int16 -1 from 0xFFFF keeps the unsigned bits")
    func int16MinusOne() {
        let reading = Decoder.decode(registers: [0xFFFF], as: .int16, order: .abcd)
        #expect(reading == RawReading(value: .signed(-1), bits: 0xFFFF))
    }

    @Test(
        "int16 limits",
        arguments: [
            (UInt16(0x0000), Int64(0)), (0x0001, 1), (0x7FFF, 32767), (0x8000, -32768), (0xFFFE, -2),
        ]
    )
    func int16(register: UInt16, expected: Int64) {
        let reading = Decoder.decode(registers: [register], as: .int16, order: .abcd)
        #expect(reading == RawReading(value: .signed(expected), bits: UInt64(register)))
    }

    @Test("uint16 65535 from 0xFFFF")
    func uint16Max() {
        let reading = Decoder.decode(registers: [0xFFFF], as: .uint16, order: .abcd)
        #expect(reading == RawReading(value: .unsigned(65535), bits: 0xFFFF))
    }

    @Test("16-bit BA swaps the register's bytes: [0x3412] → 0x1234; word swap alone changes nothing")
    func sixteenBitSwap() {
        #expect(Decoder.decode(registers: [0x3412], as: .uint16, order: .badc).value == .unsigned(0x1234))
        #expect(Decoder.decode(registers: [0x3412], as: .uint16, order: .dcba).value == .unsigned(0x1234))
        #expect(Decoder.decode(registers: [0x3412], as: .uint16, order: .cdab).value == .unsigned(0x3412))
        #expect(Decoder.decode(registers: [0x3412], as: .uint16, order: .abcd).value == .unsigned(0x3412))
        #expect(
            Decoder.decode(registers: [0xFFFE], as: .int16, order: .badc)
                == RawReading(value: .signed(-257), bits: 0xFEFF)
        )
    }

    @Test(
        "int32 -2 (0xFFFFFFFE) in each order",
        arguments: [
            ([UInt16(0xFFFF), 0xFFFE], ByteOrder.abcd),
            ([0xFFFE, 0xFFFF], .cdab),
            ([0xFFFF, 0xFEFF], .badc),
            ([0xFEFF, 0xFFFF], .dcba),
        ]
    )
    func int32MinusTwo(registers: [UInt16], order: ByteOrder) {
        let reading = Decoder.decode(registers: registers, as: .int32, order: order)
        #expect(reading == RawReading(value: .signed(-2), bits: 0xFFFF_FFFE))
    }

    @Test(
        "uint32 and int32 305419896 (0x12345678) in each order",
        arguments: [
            ([UInt16(0x1234), 0x5678], ByteOrder.abcd),
            ([0x5678, 0x1234], .cdab),
            ([0x3412, 0x7856], .badc),
            ([0x7856, 0x3412], .dcba),
        ]
    )
    func thirtyTwoBit(registers: [UInt16], order: ByteOrder) {
        #expect(
            Decoder.decode(registers: registers, as: .uint32, order: order)
                == RawReading(value: .unsigned(305_419_896), bits: 0x1234_5678)
        )
        #expect(
            Decoder.decode(registers: registers, as: .int32, order: order)
                == RawReading(value: .signed(305_419_896), bits: 0x1234_5678)
        )
    }

    @Test("int32 and uint32 limits")
    func thirtyTwoBitLimits() {
        #expect(Decoder.decode(registers: [0x8000, 0x0000], as: .int32, order: .abcd).value == .signed(-2_147_483_648))
        #expect(Decoder.decode(registers: [0x7FFF, 0xFFFF], as: .int32, order: .abcd).value == .signed(2_147_483_647))
        #expect(
            Decoder.decode(registers: [0xFFFF, 0xFFFF], as: .uint32, order: .abcd).value == .unsigned(4_294_967_295)
        )
        // The high register is r1 in CDAB: 0x0001_0000 = 65536.
        #expect(Decoder.decode(registers: [0x0000, 0x0001], as: .uint32, order: .cdab).value == .unsigned(65536))
    }

    @Test(
        "int64 -2 (0xFFFFFFFFFFFFFFFE) in each order",
        arguments: [
            ([UInt16(0xFFFF), 0xFFFF, 0xFFFF, 0xFFFE], ByteOrder.abcd),
            ([0xFFFF, 0xFFFF, 0xFFFF, 0xFEFF], .badc),
            ([0xFFFE, 0xFFFF, 0xFFFF, 0xFFFF], .cdab),
            ([0xFEFF, 0xFFFF, 0xFFFF, 0xFFFF], .dcba),
        ]
    )
    func int64MinusTwo(registers: [UInt16], order: ByteOrder) {
        let reading = Decoder.decode(registers: registers, as: .int64, order: order)
        #expect(reading == RawReading(value: .signed(-2), bits: 0xFFFF_FFFF_FFFF_FFFE))
    }

    @Test(
        "uint64 0x0123456789ABCDEF in each order",
        arguments: [
            ([UInt16(0x0123), 0x4567, 0x89AB, 0xCDEF], ByteOrder.abcd),
            ([0x2301, 0x6745, 0xAB89, 0xEFCD], .badc),
            ([0xCDEF, 0x89AB, 0x4567, 0x0123], .cdab),
            ([0xEFCD, 0xAB89, 0x6745, 0x2301], .dcba),
        ]
    )
    func uint64Pattern(registers: [UInt16], order: ByteOrder) {
        let reading = Decoder.decode(registers: registers, as: .uint64, order: order)
        #expect(reading == RawReading(value: .unsigned(81_985_529_216_486_895), bits: 0x0123_4567_89AB_CDEF))
    }

    @Test("int64 and uint64 limits")
    func sixtyFourBitLimits() {
        #expect(
            Decoder.decode(registers: [0x8000, 0x0000, 0x0000, 0x0000], as: .int64, order: .abcd).value
                == .signed(Int64.min)
        )
        #expect(
            Decoder.decode(registers: [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF], as: .uint64, order: .abcd).value
                == .unsigned(UInt64.max)
        )
    }

    @Test("registers may come as any collection, e.g. a slice of a larger read")
    func slice() {
        let block: [UInt16] = [0xAAAA, 0x1234, 0x5678, 0xBBBB]
        #expect(Decoder.decode(registers: block[1...2], as: .uint32, order: .abcd).value == .unsigned(0x1234_5678))
        #expect(Decoder.decode(registers: block.dropFirst(3), as: .uint16, order: .abcd).value == .unsigned(0xBBBB))
    }
}
