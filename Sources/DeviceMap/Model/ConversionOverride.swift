public import Decoding

/// A site's own conversion of one point of a device instance (`devices[].points.ID`): the transmitter
/// range, scale and offset, unit, measuring range and decimals of this instrument, over the map's.
public struct ConversionOverride: Sendable, Hashable {
    /// From `range` or `scale`/`offset`: replaces the map's scaling as a whole (an omitted offset is 0).
    public var scaling: Scaling?
    public var unit: String?
    public var measuringRange: ClosedRange<Double>?
    public var decimals: Int?
    /// The site file's line of each key given (`range`, `scale`, `offset`, `unit`, `measuring_range`,
    /// `decimals`), for `chemgate check --explain`.
    public var lines: [String: Int] = [:]

    public init() {}

    /// Whether it changes nothing.
    public var isEmpty: Bool { scaling == nil && unit == nil && measuringRange == nil && decimals == nil }
}

extension PointDefinition {
    /// The point with a site's conversion settings over the map's.
    public func applying(_ override: ConversionOverride) -> PointDefinition {
        var point = self
        if let scaling = override.scaling { point.conversion.scaling = scaling }
        if let unit = override.unit { point.unit = unit }
        if let range = override.measuringRange { point.conversion.measuringRange = range }
        if let decimals = override.decimals { point.conversion.decimals = decimals }
        return point
    }
}
