extension DeviceConfig {
    /// Whether two devices are configured alike, wherever they sit in the site file (the line a
    /// device is written on moves when another is added above it).
    public func isConfigured(like other: DeviceConfig) -> Bool {
        var left = self
        var right = other
        left.line = 0
        right.line = 0
        return left == right
    }
}
