import Decoding
import GatewayCore
import Testing

/// Integer points without scaling stay exact integers; scaling makes them doubles as before.
@Suite("Exact integers")
struct ExactIntegerTests {
    private static func convert(_ registers: [UInt16], as type: DataType, with conversion: Conversion = Conversion())
        -> DecodedValue
    {
        Decoder.convert(Decoder.decode(registers: registers, as: type, order: .abcd), type: type, with: conversion)
    }

    /// The exact integer in `value`, or nil when it is anything else (a double that merely equals it included).
    private static func exact(_ value: Value?) -> Int128? {
        if case .integer(let integer)? = value { return integer }
        return nil
    }

    @Test func aUInt64AboveTwoToThe53KeepsEveryDigit() {
        // 0x0123456789ABCDEF = 81985529216486895; as a Double it would be 81985529216486896.
        let decoded = Self.convert([0x0123, 0x4567, 0x89AB, 0xCDEF], as: .uint64)
        #expect(Self.exact(decoded.value) == 81_985_529_216_486_895)
        #expect(decoded.quality == .good)
        #expect(Self.exact(Self.convert([0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF], as: .uint64).value) == Int128(UInt64.max))
        #expect(Self.exact(Self.convert([0x8000, 0, 0, 0], as: .int64).value) == Int128(Int64.min))
        #expect(Self.exact(Self.convert([0xFFFF], as: .int16).value) == -1)
        #expect(Self.exact(Self.convert([0x1234], as: .bcd16).value) == 1234)
    }

    @Test func scaleOneAndOffsetZeroStayExactOtherScalingIsADouble() {
        let unscaled = Conversion(scaling: .factor(scale: 1, offset: 0), decimals: 2)
        #expect(Self.exact(Self.convert([0x0000, 0x0020, 0x0000, 0x0001], as: .uint64, with: unscaled).value) != nil)
        let scaled = Self.convert([0x00FA], as: .uint16, with: Conversion(scaling: .factor(scale: 0.1, offset: 0)))
        #expect(Self.exact(scaled.value) == nil)
        #expect(scaled.value == .number(25))
        let tens = Self.convert([0x00FA], as: .uint16, with: Conversion(decimals: -1))
        #expect(tens.value == .number(250))
        #expect(Self.exact(tens.value) == nil)
    }

    @Test func sentinelsAndMeasuringRangeStillApplyToIntegers() {
        let faulted = Self.convert([0x7FFF], as: .int16, with: Conversion(sentinels: [0x7FFF: .fault]))
        #expect(faulted.quality == .bad(.sensorFault))
        #expect(faulted.signals == [.fault])
        let ranged = Self.convert([0x0200], as: .uint16, with: Conversion(measuringRange: 0...500))
        #expect(ranged.quality == .uncertain(.outOfRange))
        #expect(Self.exact(ranged.value) == 512)
    }
}
