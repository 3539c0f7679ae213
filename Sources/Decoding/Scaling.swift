/// From raw number to engineering value.
public enum Scaling: Sendable, Hashable {
    /// `engineering = raw × scale + offset`.
    case factor(scale: Double, offset: Double)
    /// A straight line through (raw.lowerBound, engineering.lowerBound) and (raw.upperBound, engineering.upperBound),
    /// extrapolated outside the raw range. A raw range of zero width has no line: ``apply(_:)`` returns NaN.
    case linear(raw: ClosedRange<Double>, engineering: ClosedRange<Double>)

    /// No scaling: `factor(scale: 1, offset: 0)`.
    public static let identity: Scaling = .factor(scale: 1, offset: 0)

    /// The engineering value for `raw`. NaN when `raw` is NaN or a linear raw range has zero width;
    /// may be ±infinity when the arithmetic overflows.
    public func apply(_ raw: Double) -> Double {
        switch self {
        case .factor(let scale, let offset):
            return raw * scale + offset
        case .linear(let rawRange, let engineering):
            let rawSpan = rawRange.upperBound - rawRange.lowerBound
            guard rawSpan > 0 else { return .nan }
            let fraction = (raw - rawRange.lowerBound) / rawSpan
            return engineering.lowerBound + fraction * (engineering.upperBound - engineering.lowerBound)
        }
    }
}
