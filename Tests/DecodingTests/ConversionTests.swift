import Decoding
import GatewayCore
import Testing

/// Decodes `registers` as `type` (big-endian) and converts them.
private func convert(_ registers: [UInt16], as type: DataType, with conversion: Conversion) -> DecodedValue {
    Decoder.convert(Decoder.decode(registers: registers, as: type, order: .abcd), type: type, with: conversion)
}

@Suite("Conversion")
struct ConversionTests {
    /// Counts 4000–20000 are the 4–20 mA loop, 0–100 %LEL.
    static let lel = Scaling.linear(raw: 4000...20000, engineering: 0...100)

    @Test(
        "linear counts → %LEL, good",
        arguments: [(UInt16(0x2EE0), 50.0), (0x0FA0, 0), (0x4E20, 100)]  // 12000, 4000, 20000 counts
    )
    func linear(register: UInt16, expected: Double) {
        let decoded = convert([register], as: .uint16, with: Conversion(scaling: Self.lel))
        #expect(decoded.value == .number(expected))
        #expect(decoded.quality == .good)
        #expect(decoded.signals.isEmpty)
    }

    @Test(
        "NAMUR NE43 bands; the scaled value is kept in every band",
        arguments: [
            (UInt16(0x0DAC), -3.125, Quality.bad(.sensorFault)),  // 3500 counts = 3.5 mA
            (0x0E10, -2.5, .uncertain(.outOfRange)),  // 3600 = 3.6 mA, lowest uncertain
            (0x0E74, -1.875, .uncertain(.outOfRange)),  // 3700 = 3.7 mA
            (0x0ED8, -1.25, .good),  // 3800 = 3.8 mA, lowest good
            (0x0FA0, 0, .good),  // 4000 = 4 mA
            (0x2EE0, 50, .good),  // 12000 = 12 mA
            (0x5014, 103.125, .good),  // 20500 = 20.5 mA, highest good
            (0x5140, 105, .uncertain(.outOfRange)),  // 20800 = 20.8 mA
            (0x5208, 106.25, .uncertain(.outOfRange)),  // 21000 = 21 mA, highest uncertain
            (0x53FC, 109.375, .bad(.sensorFault)),  // 21500 = 21.5 mA
            (0x0000, -25, .bad(.sensorFault)),  // 0 counts = 0 mA, broken loop
        ]
    )
    func ne43(register: UInt16, expected: Double, quality: Quality) {
        let decoded = convert([register], as: .uint16, with: Conversion(scaling: Self.lel, ne43: true))
        #expect(decoded.value == .number(expected))
        #expect(decoded.quality == quality)
    }

    @Test("NE43 on a loop read directly in mA (float32 3.5 = 0x40600000) is a sensor fault")
    func ne43Milliamps() {
        let conversion = Conversion(scaling: .linear(raw: 4...20, engineering: 0...100), ne43: true)
        let decoded = convert([0x4060, 0x0000], as: .float32, with: conversion)
        #expect(decoded.value == .number(-3.125))
        #expect(decoded.quality == .bad(.sensorFault))
    }

    @Test("without ne43, or with factor scaling, NE43 bands are not applied")
    func ne43Off() {
        #expect(convert([0x0DAC], as: .uint16, with: Conversion(scaling: Self.lel)).quality == .good)
        let factor = Conversion(scaling: .factor(scale: 0.001, offset: 0), ne43: true)
        let decoded = convert([0x0DAC], as: .uint16, with: factor)
        #expect(decoded.value == .number(3.5))
        #expect(decoded.quality == .good)
    }

    @Test("sentinel 0xFFFF on an int16: fault → bad(sensorFault), value kept")
    func faultSentinel() {
        let decoded = convert([0xFFFF], as: .int16, with: Conversion(sentinels: [0xFFFF: .fault]))
        #expect(decoded.quality == .bad(.sensorFault))
        #expect(decoded.signals == [.fault])
        #expect(decoded.value == .number(-1))
        #expect(decoded.raw == RawReading(value: .signed(-1), bits: 0xFFFF))
    }

    @Test("sentinels match the zero-extended bits, not the sign-extended value")
    func sentinelBits() {
        let decoded = convert([0xFFFF], as: .int16, with: Conversion(sentinels: [0xFFFF_FFFF_FFFF_FFFF: .fault]))
        #expect(decoded.quality == .good)
        #expect(decoded.signals.isEmpty)
    }

    @Test("an alarm sentinel is signalled but leaves the quality good")
    func alarmSentinel() {
        let decoded = convert([0x7FFF], as: .uint16, with: Conversion(sentinels: [0x7FFF: .alarm2]))
        #expect(decoded.quality == .good)
        #expect(decoded.signals == [.alarm2])
        #expect(decoded.value == .number(32767))
    }

    @Test(
        "sentinel roles impose their quality",
        arguments: [
            (StatusRole.warmup, Quality.uncertain(.warmup)),
            (.maintenance, .uncertain(.maintenance)),
            (.overRange, .uncertain(.outOfRange)),
            (.commFault, .bad(.communicationFailure)),
            (.inhibit, .uncertain(.inhibited)),
            (.alarm1, .good),
        ]
    )
    func sentinelRoles(role: StatusRole, quality: Quality) {
        let decoded = convert([0x0000, 0x0000], as: .uint32, with: Conversion(sentinels: [0: role]))
        #expect(decoded.quality == quality)
        #expect(decoded.signals == [role])
    }

    @Test("sentinel on a 32-bit float pattern")
    func floatSentinel() {
        // -9999.0 = 0xC61C3C00, a common "no reading" value.
        let decoded = convert([0xC61C, 0x3C00], as: .float32, with: Conversion(sentinels: [0xC61C_3C00: .warmup]))
        #expect(decoded.value == .number(-9999))
        #expect(decoded.quality == .uncertain(.warmup))
        #expect(decoded.signals == [.warmup])
    }

    @Test(
        "NaN and infinities: no value, bad(invalidValue)",
        arguments: [
            (DataType.float32, [UInt16(0x7FC0), 0x0000]),
            (.float32, [0x7F80, 0x0000]),
            (.float32, [0xFF80, 0x0000]),
            (.float64, [0x7FF8, 0x0000, 0x0000, 0x0000]),
            (.float64, [0xFFF0, 0x0000, 0x0000, 0x0000]),
        ]
    )
    func nonFinite(type: DataType, registers: [UInt16]) {
        let decoded = convert(registers, as: type, with: Conversion(scaling: Self.lel, ne43: true, decimals: 1))
        #expect(decoded.value == nil)
        #expect(decoded.quality == .bad(.invalidValue))
    }

    @Test("a NaN that is a declared fault sentinel reports the fault")
    func nanSentinel() {
        let decoded = convert([0x7FC0, 0x0000], as: .float32, with: Conversion(sentinels: [0x7FC0_0000: .fault]))
        #expect(decoded.value == nil)
        #expect(decoded.quality == .bad(.sensorFault))
        #expect(decoded.signals == [.fault])
    }

    @Test("scaling that overflows or has no line gives no value, bad(invalidValue)")
    func nonFiniteScaling() {
        // float32 max × 10^300 overflows to infinity.
        let overflow = convert(
            [0x7F7F, 0xFFFF],
            as: .float32,
            with: Conversion(scaling: .factor(scale: 1e300, offset: 0))
        )
        #expect(overflow.value == nil)
        #expect(overflow.quality == .bad(.invalidValue))
        let flat = convert([0x0005], as: .uint16, with: Conversion(scaling: .linear(raw: 5...5, engineering: 0...1)))
        #expect(flat.value == nil)
        #expect(flat.quality == .bad(.invalidValue))
    }

    @Test("factor scaling with decimals: 1234 × 0.1 → 123.4")
    func factorDecimals() {
        let decoded = convert(
            [0x04D2],
            as: .uint16,
            with: Conversion(scaling: .factor(scale: 0.1, offset: 0), decimals: 1)
        )
        #expect(decoded.value == .number(123.4))
        #expect(decoded.quality == .good)
    }

    @Test(
        "rounding is half away from zero",
        arguments: [
            (UInt16(0x0005), 0, 3.0),  // 5 × 0.5 = 2.5 → 3
            (0xFFFB, 0, -3),  // -5 × 0.5 = -2.5 → -3
            (0x0003, 0, 2),  // 1.5 → 2
            (0xFFFD, 0, -2),  // -1.5 → -2
            (0x0001, 0, 1),  // 0.5 → 1
            (0x0001, 1, 0.5),
            (0x0007, 2, 3.5),
            (0x0999, -2, 1200),  // 2457 × 0.5 = 1228.5 → 1200
            (0x0AF0, -2, 1400),  // 2800 × 0.5 = 1400
            (0x0064, -2, 100),  // 100 × 0.5 = 50 → 100
        ]
    )
    func rounding(register: UInt16, decimals: Int, expected: Double) {
        let conversion = Conversion(scaling: .factor(scale: 0.5, offset: 0), decimals: decimals)
        #expect(convert([register], as: .int16, with: conversion).value == .number(expected))
    }

    @Test("rounding to a third: 1 / 3 → 0.33 with 2 decimals")
    func roundingThird() {
        let conversion = Conversion(scaling: .linear(raw: 0...3, engineering: 0...1), decimals: 2)
        #expect(convert([0x0001], as: .uint16, with: conversion).value == .number(0.33))
    }

    @Test("a value rounded to zero is +0, never -0")
    func negativeZero() {
        let conversion = Conversion(scaling: .factor(scale: 0.01, offset: 0), decimals: 1)
        guard case .number(let value) = convert([0xFFFF], as: .int16, with: conversion).value else {
            Issue.record("expected a number")
            return
        }
        #expect(value == 0)
        #expect(value.sign == .plus)
    }

    @Test(
        "decimals beyond a Double's precision leave the value alone",
        arguments: [17, 20, 400, 1000, -400, -1000]
    )
    func hugeDecimals(decimals: Int) {
        // 1 / 3 = 0.333…; a Double holds about 16 significant digits.
        let third = Conversion(scaling: .linear(raw: 0...3, engineering: 0...1), decimals: decimals)
        #expect(convert([0x0001], as: .uint16, with: third).value == .number(0.333_333_333_333_333_3))
    }

    @Test("uint64 max stays exact with decimals (not 2^64, the nearest Double)")
    func largeInteger() {
        let value = convert([0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF], as: .uint64, with: Conversion(decimals: 2)).value
        #expect(value == .integer(Int128(UInt64.max)))
        #expect(value != .number(18_446_744_073_709_551_616))
    }

    @Test(
        "measuring range: outside is uncertain(outOfRange) and kept; the bounds are inside",
        arguments: [
            (UInt16(0x5140), 105.0, Quality.uncertain(.outOfRange)),  // 20800 counts
            (0x4E20, 100, .good),  // 20000 counts
            (0x0FA0, 0, .good),  // 4000 counts
            (0x0E74, -1.875, .uncertain(.outOfRange)),  // 3700 counts
        ]
    )
    func measuringRange(register: UInt16, expected: Double, quality: Quality) {
        let decoded = convert([register], as: .uint16, with: Conversion(scaling: Self.lel, measuringRange: 0...100))
        #expect(decoded.value == .number(expected))
        #expect(decoded.quality == quality)
    }

    @Test("the measuring range is checked after rounding")
    func rangeAfterRounding() {
        // 100004 = 0x000186A4; × 0.001 = 100.004.
        let scaling = Scaling.factor(scale: 0.001, offset: 0)
        let rounded = convert(
            [0x0001, 0x86A4],
            as: .uint32,
            with: Conversion(scaling: scaling, decimals: 2, measuringRange: 0...100)
        )
        #expect(rounded.value == .number(100))
        #expect(rounded.quality == .good)
        let unrounded = convert(
            [0x0001, 0x86A4],
            as: .uint32,
            with: Conversion(scaling: scaling, measuringRange: 0...100)
        )
        #expect(unrounded.quality == .uncertain(.outOfRange))
    }

    @Test("the worst quality of all steps wins; the earlier step wins a tie")
    func worstOfSteps() {
        // 3500 counts: warmup sentinel (uncertain) + NE43 3.5 mA (bad) → bad.
        let sentinelThenFault = convert(
            [0x0DAC],
            as: .uint16,
            with: Conversion(scaling: Self.lel, sentinels: [0x0DAC: .warmup], ne43: true)
        )
        #expect(sentinelThenFault.quality == .bad(.sensorFault))
        #expect(sentinelThenFault.signals == [.warmup])
        // 3700 counts: maintenance sentinel (uncertain) + NE43 (uncertain) + out of range (uncertain) → maintenance.
        let tie = convert(
            [0x0E74],
            as: .uint16,
            with: Conversion(scaling: Self.lel, sentinels: [0x0E74: .maintenance], ne43: true, measuringRange: 0...100)
        )
        #expect(tie.quality == .uncertain(.maintenance))
        #expect(tie.value == .number(-1.875))
        // 20800 counts: NE43 uncertain + comm-fault sentinel (bad) → bad(communicationFailure).
        let bad = convert(
            [0x5140],
            as: .uint16,
            with: Conversion(scaling: Self.lel, sentinels: [0x5140: .commFault], ne43: true)
        )
        #expect(bad.quality == .bad(.communicationFailure))
    }
}
