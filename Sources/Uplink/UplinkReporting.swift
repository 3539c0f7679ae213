public import GatewayCore
import MQTT

/// What the status endpoint shows of an uplink, whatever its transport.
public protocol UplinkReporting: Sendable {
    /// The uplink's id: its destination in the durable log.
    var uplinkID: String { get }
    /// Where it delivers, without credentials.
    var displayURL: String { get }
    var statistics: UplinkStatistics { get }
    /// The backlog's problem for the status from fresh figures (records waiting, the oldest one's
    /// timestamp); nil when the backlog is fine.
    func backlogProblem(records: Int, oldest: Timestamp?, now: Timestamp) -> String?
}

extension UplinkForwarder: UplinkReporting {
    public var uplinkID: String { settings.id }
    public var displayURL: String { settings.url }
}

extension MQTTForwarder: UplinkReporting {
    public var uplinkID: String { settings.id }

    /// The age rule only: the MQTT forwarder does not sample the backlog's trend.
    public func backlogProblem(records: Int, oldest: Timestamp?, now: Timestamp) -> String? {
        BacklogTrend.problem(
            uplink: settings.id,
            records: records,
            oldest: oldest,
            trend: "steady",
            growingFor: nil,
            maxAge: settings.backlogMaxAge,
            maxGrowth: settings.backlogMaxAge,
            now: now
        )
    }

    public var displayURL: String {
        "\(settings.client.tls == nil ? "mqtt" : "mqtts")://\(settings.client.broker)"
    }
}
