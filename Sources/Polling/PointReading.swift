public import Decoding
public import DeviceMap
public import GatewayCore
public import Modbus

/// One point's value as read from its device, with quality and the time of the transaction.
public struct PointReading: Sendable, Hashable {
    public var point: PointDefinition
    public var value: DecodedValue
    /// When the transaction that read it completed (wall clock, UTC).
    public var timestamp: Timestamp
    /// Whether the device answered the read (false: timeout, connection failure, not attempted).
    public var answered: Bool
    /// The point's registers as read, in wire order; for a coil or discrete input its bit as 0 or 1;
    /// empty when nothing was read. A bad reading carries them (``rawText``) instead of a value.
    public var registers: [UInt16] = []

    public var quality: Quality { value.quality }
}

/// The outcome of reading one device once.
public struct ReadoutResult: Sendable {
    public var readings: [PointReading]
    /// Whether the device answered at least one read (an exception reply counts: the device is alive).
    public var answered: Bool
    /// A failure of the link itself (connection refused or reset, serial port gone), if one occurred.
    public var linkFailure: ModbusError?
    /// Reads sent, retries included.
    public var transactions: Int
    /// What the device taught in this read that it had not before (a read-size limit found, a point
    /// refused alone), to be logged once.
    public var learned: [LessonReport] = []
}
