extension BatchRecord {
    /// The record alone as JSON, exactly as it appears in a batch's `records` (the MQTT uplink's
    /// per-point live messages carry one).
    public func encodedBytes() -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        write(to: &writer)
        return writer.bytes
    }
}
