public import Decoding
public import DeviceMap
public import GatewayCore

/// One point's value as read from its device, with quality and the time of the transaction.
public struct PointReading: Sendable, Hashable {
    public var point: PointDefinition
    public var value: DecodedValue
    /// When the transaction that read it completed.
    public var time: ContinuousClock.Instant

    public var quality: Quality { value.quality }
}
