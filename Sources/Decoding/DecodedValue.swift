public import GatewayCore

/// The result of decoding one point.
public struct DecodedValue: Sendable, Hashable {
    /// The engineering value; nil only when there is no meaningful value (invalid content, NaN, infinity).
    public var value: Value?
    /// How far the value can be trusted.
    public var quality: Quality
    /// The raw reading the value came from.
    public var raw: RawReading
    /// The roles raised by this value's own sentinels (not by status reported elsewhere on the device).
    public var signals: Set<StatusRole>

    /// Creates a decoded value.
    public init(value: Value?, quality: Quality, raw: RawReading, signals: Set<StatusRole> = []) {
        self.value = value
        self.quality = quality
        self.raw = raw
        self.signals = signals
    }
}
