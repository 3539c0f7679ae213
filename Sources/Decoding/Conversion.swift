/// How a raw reading becomes an engineering value with its quality; see ``Decoder/convert(_:type:with:)``.
public struct Conversion: Sendable, Hashable {
    /// From raw number to engineering units; `.identity` by default.
    public var scaling: Scaling
    /// Raw bit patterns (``RawReading/bits``, zero-extended: 0xFFFF for int16 -1) that mean a status role,
    /// e.g. `[0xFFFF: .fault]`.
    public var sentinels: [UInt64: StatusRole]
    /// Whether to apply the NAMUR NE43 current bands. Only takes effect with `.linear` scaling whose raw range is
    /// the 4–20 mA span (raw.lowerBound = 4 mA, raw.upperBound = 20 mA); ignored with `.factor` scaling.
    public var ne43: Bool
    /// Round the engineering value to this many decimal places, half away from zero; nil keeps every digit.
    /// Negative values round to tens, hundreds, ….
    public var decimals: Int?
    /// The instrument's measuring range in engineering units; a value outside it is uncertain(outOfRange)
    /// and kept. nil for no check.
    public var measuringRange: ClosedRange<Double>?

    /// Creates a conversion; the defaults convert a raw number unchanged with no checks.
    public init(
        scaling: Scaling = .identity,
        sentinels: [UInt64: StatusRole] = [:],
        ne43: Bool = false,
        decimals: Int? = nil,
        measuringRange: ClosedRange<Double>? = nil
    ) {
        self.scaling = scaling
        self.sentinels = sentinels
        self.ne43 = ne43
        self.decimals = decimals
        self.measuringRange = measuringRange
    }
}
