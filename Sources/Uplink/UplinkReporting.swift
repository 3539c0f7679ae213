import MQTT

/// What the status endpoint shows of an uplink, whatever its transport.
public protocol UplinkReporting: Sendable {
    /// The uplink's id: its destination in the durable log.
    var uplinkID: String { get }
    /// Where it delivers, without credentials.
    var displayURL: String { get }
    var statistics: UplinkStatistics { get }
}

extension UplinkForwarder: UplinkReporting {
    public var uplinkID: String { settings.id }
    public var displayURL: String { settings.url }
}

extension MQTTForwarder: UplinkReporting {
    public var uplinkID: String { settings.id }
    public var displayURL: String {
        "\(settings.client.tls == nil ? "mqtt" : "mqtts")://\(settings.client.broker)"
    }
}
