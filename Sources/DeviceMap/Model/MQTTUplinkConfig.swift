/// The MQTT part of an `mqtt://` or `mqtts://` uplink (docs/mqtt.md).
public struct MQTTUplinkConfig: Sendable, Hashable {
    /// What the messages hold.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// chemgate's batch JSON (docs/batch.schema.json), the same as the HTTP uplink's.
        case chemgate
        /// ThingsBoard's gateway MQTT API (`v1/gateway/telemetry` and friends).
        case thingsboardGateway = "thingsboard-gateway"
    }

    /// How records are cut into messages (chemgate format).
    public enum Grouping: String, Sendable, Hashable, CaseIterable {
        /// One message per batch (and per lane when the topic has `{lane}`).
        case batch
        /// One message per device of a batch.
        case device
        /// One message per point of a batch.
        case point
    }

    public var host: String
    public var port: Int
    public var tls: Bool
    public var format: Format = .chemgate
    /// The data topic; `{gateway}`, `{enterprise}`, `{device}`, `{point}`, `{lane}` are filled in.
    public var topic: String = "chemgate/{gateway}/{lane}"
    public var grouping: Grouping = .batch
    /// The retained `online`/`offline` status topic (birth message and last will).
    public var statusTopic: String = "chemgate/{gateway}/status"
    /// A live-only feed: each live reading also goes, QoS 0 and unacknowledged, to this topic (nil: none).
    public var liveTopic: String?
    /// Where heartbeats go (chemgate format), QoS 0.
    public var heartbeatTopic: String = "chemgate/{gateway}/heartbeat"
    /// ThingsBoard device names; `{gateway}` and `{device}` are filled in.
    public var deviceName: String = "{device}"
    /// `3.1.1` or `5`.
    public var protocolVersion: String = "3.1.1"
    public var keepalive: Duration = .seconds(30)
    /// The client id; nil derives a stable one from the gateway and uplink ids.
    public var clientID: String?
    public var usernameEnvironment: String?
    public var passwordEnvironment: String?
    /// The most QoS 1 messages sent and not yet acknowledged.
    public var inFlight: Int = 20

    public init(host: String, port: Int, tls: Bool) {
        self.host = host
        self.port = port
        self.tls = tls
    }
}
