import GatewayCore

extension Conversion {
    /// Whether an integer reading stays an exact integer: no scaling (`.identity`, i.e. scale 1 and offset 0)
    /// and no rounding to tens or hundreds (`decimals` nil or ≥ 0, which leave an integer as it is).
    public var keepsIntegers: Bool {
        scaling == .identity && (decimals ?? 0) >= 0
    }
}

extension Decoder {
    /// The exact path of ``convert(_:type:with:)`` for an integer reading without scaling: sentinels, then
    /// the measuring-range check (compared as a `Double`, exact up to 2^53). NE43 needs `.linear` scaling,
    /// so it never applies here.
    static func convertExact(_ integer: Int128, raw: RawReading, with conversion: Conversion) -> DecodedValue {
        var quality = Quality.good
        var signals: Set<StatusRole> = []
        if let role = conversion.sentinels[raw.bits] {
            signals.insert(role)
            if let imposed = role.quality { quality = quality.worst(imposed) }
        }
        if let range = conversion.measuringRange, !range.contains(Double(integer)) {
            quality = quality.worst(.uncertain(.outOfRange))
        }
        return DecodedValue(value: .integer(integer), quality: quality, raw: raw, signals: signals)
    }
}
