import GatewayCore

extension Decoder {
    /// Turns a raw reading into an engineering value with quality.
    ///
    /// In order: invalid content → no value, bad(invalidValue); text and bool → as they are, good, unscaled.
    /// For numbers: a sentinel hit on `raw.bits` raises its role in `signals` and imposes its quality
    /// (an alarm role leaves it good); NaN or ±infinity → no value, bad(invalidValue); NAMUR NE43 bands
    /// (with `.linear` scaling only); scaling, rounding to `decimals`, then the measuring-range check.
    /// The quality is the worst of all steps (the earlier step wins a tie). A non-finite result of scaling
    /// is reported like a NaN reading. `type` is the point's configured type; the reading's own kind
    /// drives the conversion (bit fields are numbers, scaled like integers). An integer reading that
    /// ``Conversion/keepsIntegers`` stays an exact ``Value/integer(_:)``.
    public static func convert(_ raw: RawReading, type: DataType, with conversion: Conversion) -> DecodedValue {
        let number: Double
        var exact: Int128?
        switch raw.value {
        case .invalid:
            return DecodedValue(value: nil, quality: .bad(.invalidValue), raw: raw)
        case .text(let text):
            return DecodedValue(value: .text(text), quality: .good, raw: raw)
        case .bool(let bool):
            return DecodedValue(value: .bool(bool), quality: .good, raw: raw)
        case .signed(let value):
            number = Double(value)
            exact = Int128(value)
        case .unsigned(let value):
            number = Double(value)
            exact = Int128(value)
        case .float(let value):
            number = value
        }
        if let exact, conversion.keepsIntegers {
            return convertExact(exact, raw: raw, with: conversion)
        }

        var quality = Quality.good
        var signals: Set<StatusRole> = []
        if let role = conversion.sentinels[raw.bits] {
            signals.insert(role)
            if let imposed = role.quality { quality = quality.worst(imposed) }
        }
        guard number.isFinite else {
            return DecodedValue(value: nil, quality: quality.worst(.bad(.invalidValue)), raw: raw, signals: signals)
        }
        if conversion.ne43, case .linear(let rawRange, _) = conversion.scaling {
            quality = quality.worst(ne43Quality(number, rawRange: rawRange))
        }
        var engineering = conversion.scaling.apply(number)
        if let decimals = conversion.decimals {
            engineering = round(engineering, decimals: decimals)
        }
        guard engineering.isFinite else {
            return DecodedValue(value: nil, quality: quality.worst(.bad(.invalidValue)), raw: raw, signals: signals)
        }
        if let range = conversion.measuringRange, !range.contains(engineering) {
            quality = quality.worst(.uncertain(.outOfRange))
        }
        return DecodedValue(value: .number(engineering), quality: quality, raw: raw, signals: signals)
    }

    /// Applies status roles reported elsewhere on the device (status bits, enum states) to a value they qualify.
    ///
    /// The worst quality wins; on a tie the value's own quality wins, then the roles in declaration order of
    /// ``StatusRole`` (fault, alarm1, alarm2, inhibit, overRange, commFault, warmup, maintenance), so the
    /// result does not depend on set order. Alarm roles change nothing. The value and its signals are kept.
    public static func qualify(_ value: DecodedValue, by roles: Set<StatusRole>) -> DecodedValue {
        var result = value
        for role in StatusRole.allCases where roles.contains(role) {
            if let imposed = role.quality { result.quality = result.quality.worst(imposed) }
        }
        return result
    }

    /// The NAMUR NE43 band of the loop current that `raw` stands for, where `rawRange` spans 4–20 mA.
    /// Below 3.6 or above 21 mA: bad(sensorFault); 3.6 to below 3.8, or above 20.5 to 21 mA:
    /// uncertain(outOfRange); otherwise good.
    private static func ne43Quality(_ raw: Double, rawRange: ClosedRange<Double>) -> Quality {
        let milliamps = 4 + 16 * (raw - rawRange.lowerBound) / (rawRange.upperBound - rawRange.lowerBound)
        guard milliamps.isFinite else { return .bad(.invalidValue) }
        if milliamps < 3.6 || milliamps > 21 { return .bad(.sensorFault) }
        if milliamps < 3.8 || milliamps > 20.5 { return .uncertain(.outOfRange) }
        return .good
    }

    /// `value` rounded to `decimals` places, half away from zero; -0 becomes 0. Returned unchanged when the
    /// rounding cannot be represented (the value already has no digits at that place, or the power overflows).
    private static func round(_ value: Double, decimals: Int) -> Double {
        guard value.isFinite else { return value }
        var power: Double = 1
        for _ in 0..<min(abs(decimals), 400) { power *= 10 }
        guard power.isFinite else { return value }
        let rounded: Double
        if decimals >= 0 {
            let scaled = value * power
            // From 2^52 up, every Double is an integer: nothing left to round.
            guard scaled.isFinite, abs(scaled) < 4_503_599_627_370_496 else { return value }
            rounded = scaled.rounded(.toNearestOrAwayFromZero) / power
        } else {
            rounded = (value / power).rounded(.toNearestOrAwayFromZero) * power
        }
        return rounded + 0.0
    }
}
