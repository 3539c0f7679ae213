import Decoding
import GatewayCore
import Testing

/// Devices send garbage and configurations have typos: decoding must report, never trap.
@Suite("Malformed input")
struct MalformedInputTests {
    @Test(
        "a wrong register count is invalid",
        arguments: [
            (DataType.int16, [UInt16]()),
            (.int16, [0x0001, 0x0002]),
            (.bool, []),
            (.bit(3), [0x0001, 0x0001]),
            (.int32, [0x1234]),
            (.float32, [0x3F80, 0x0000, 0x0000]),
            (.float64, [0x3FF0, 0x0000, 0x0000]),
            (.uint64, [0x0001, 0x0002, 0x0003, 0x0004, 0x0005]),
            (.bcd32, [0x1234]),
            (.string(registers: 4), [0x4744, 0x2D31, 0x3031]),
            (.string(registers: 2), [0x4744, 0x2D31, 0x3031]),
        ]
    )
    func wrongCount(type: DataType, registers: [UInt16]) {
        let reading = Decoder.decode(registers: registers, as: type, order: .abcd)
        guard case .invalid = reading.value else {
            Issue.record("expected invalid, got \(reading.value)")
            return
        }
        #expect(reading.bits == 0)
        let decoded = Decoder.convert(reading, type: type, with: Conversion(sentinels: [0: .warmup]))
        #expect(decoded == DecodedValue(value: nil, quality: .bad(.invalidValue), raw: reading, signals: []))
    }

    @Test("the count message says what was expected and what came")
    func wrongCountMessage() {
        #expect(
            Decoder.decode(registers: [0x1234], as: .int32, order: .abcd).value
                == .invalid("int32 needs 2 registers, got 1")
        )
        #expect(
            Decoder.decode(registers: [UInt16](), as: .uint16, order: .abcd).value
                == .invalid("uint16 needs 1 register, got 0")
        )
    }

    @Test(
        "out-of-range type parameters are invalid",
        arguments: [
            (DataType.bit(16), [UInt16(0xFFFF)]),
            (.bit(-1), [0xFFFF]),
            (.bit(Int.max), [0xFFFF]),
            (.bit(Int.min), [0xFFFF]),
            (.bitField(12...16), [0xFFFF]),
            (.bitField(-1...3), [0xFFFF]),
            (.bitField(Int.min...Int.max), [0xFFFF]),
            (.string(registers: 0), []),
            (.string(registers: -1), []),
        ]
    )
    func badParameters(type: DataType, registers: [UInt16]) {
        let reading = Decoder.decode(registers: registers, as: type, order: .abcd)
        guard case .invalid = reading.value else {
            Issue.record("expected invalid, got \(reading.value)")
            return
        }
    }

    /// Every 16-bit pattern through every one-register type, and pseudo-random patterns through the wider types.
    /// A converted number must always be finite; anything else must be bad.
    @Test(
        "no register content traps or yields a non-finite number",
        arguments: [
            DataType.bool, .bit(0), .bit(15), .bitField(0...15), .bitField(3...9), .int16, .uint16, .bcd16,
            .string(registers: 1), .int32, .uint32, .float32, .bcd32, .int64, .uint64, .float64, .string(registers: 4),
        ]
    )
    func garbage(type: DataType) {
        let conversion = Conversion(
            scaling: .linear(raw: 4000...20000, engineering: 0...100),
            sentinels: [0xFFFF: .fault],
            ne43: true,
            decimals: 2,
            measuringRange: 0...100
        )
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<65536 {
            var registers: [UInt16] = []
            for _ in 0..<type.registerCount {
                if type.registerCount == 1 {
                    registers.append(UInt16(index))
                } else {
                    // xorshift64: a fixed pseudo-random sequence, not an encoder of values.
                    state ^= state << 13
                    state ^= state >> 7
                    state ^= state << 17
                    registers.append(UInt16(truncatingIfNeeded: state))
                }
            }
            for order in [ByteOrder.abcd, .badc, .cdab, .dcba] {
                let decoded = Decoder.convert(
                    Decoder.decode(registers: registers, as: type, order: order),
                    type: type,
                    with: conversion
                )
                let sound =
                    switch decoded.value {
                    case .number(let number): number.isFinite
                    case nil: decoded.quality.level == .bad
                    case .integer, .bool, .text: true
                    }
                // One check per pattern would record millions of expectations; report only failures.
                if !sound {
                    Issue.record("\(type) \(registers) \(order) gave \(decoded)")
                }
            }
        }
    }
}
