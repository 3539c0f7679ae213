public import MQTT
public import UplinkPayload

extension MQTTForwarder {
    /// What the messages hold.
    public enum Format: String, Sendable, Hashable {
        /// `chemgate.batch/1` batches (docs/batch.schema.json) on the configured topic.
        case chemgate
        /// ThingsBoard's gateway MQTT API (`v1/gateway/…`).
        case thingsboardGateway = "thingsboard-gateway"
    }

    /// How a batch is cut into messages (chemgate format).
    public enum Grouping: String, Sendable, Hashable {
        case batch, device, point
    }

    public struct Settings: Sendable {
        /// The uplink's id: its destination in the durable log.
        public var id: String
        public var gateway: String
        public var enterprise: String
        public var format: Format
        /// The data topic (chemgate format), with `{gateway}`, `{enterprise}`, `{device}`, `{point}`, `{lane}`.
        public var topic: String
        public var grouping: Grouping
        /// A live-only feed: every live reading of a read also goes alone, QoS 0, to this topic (with
        /// `{device}`, `{point}`…) before the read's QoS 1 messages; never acknowledged, never resent.
        public var liveTopic: String?
        /// The retained `online`/`offline` status topic: the birth message and the last will.
        public var statusTopic: String
        /// Heartbeats (chemgate format), QoS 0; nil sends none.
        public var heartbeatTopic: String?
        /// ThingsBoard device names, with `{gateway}` and `{device}`.
        public var deviceName: String
        /// Records per message; a read from the log takes up to `batchRecords × inFlight` (per batch).
        public var batchRecords: Int
        public var batchDelay: Duration
        /// A record older than this when it is first read is labelled `backfill` (`live_window`).
        public var liveWindow: Duration
        /// The backlog's age that makes it a problem in the status (`backlog_max_age`).
        public var backlogMaxAge: Duration
        public var heartbeatInterval: Duration
        /// The most messages published and not yet acknowledged by the broker.
        public var inFlight: Int
        /// The broker connection; its will is set by the forwarder.
        public var client: MQTTOptions
        /// The devices ThingsBoard is told about (connect and attributes) on every connection.
        public var devices: [ThingsBoardGateway.DeviceAttributes]
        /// A platform profile (`profile:` with `transport: mqtt`): its rendered messages are published to
        /// ``topic`` instead of chemgate's format (the broker's PUBACK acknowledges; replies are not read).
        public var profile: ProfileChannel?

        public init(
            id: String,
            gateway: String,
            enterprise: String,
            client: MQTTOptions,
            format: Format = .chemgate,
            topic: String = "chemgate/{gateway}/{lane}",
            grouping: Grouping = .batch,
            liveTopic: String? = nil,
            statusTopic: String = "chemgate/{gateway}/status",
            heartbeatTopic: String? = "chemgate/{gateway}/heartbeat",
            deviceName: String = "{device}",
            batchRecords: Int = 500,
            batchDelay: Duration = .seconds(1),
            liveWindow: Duration = .seconds(10),
            backlogMaxAge: Duration = .seconds(60),
            heartbeatInterval: Duration = .seconds(30),
            inFlight: Int = 20,
            devices: [ThingsBoardGateway.DeviceAttributes] = []
        ) {
            self.id = id
            self.gateway = gateway
            self.enterprise = enterprise
            self.client = client
            self.format = format
            self.topic = topic
            self.grouping = grouping
            self.liveTopic = liveTopic
            self.statusTopic = statusTopic
            self.heartbeatTopic = heartbeatTopic
            self.deviceName = deviceName
            self.batchRecords = batchRecords
            self.batchDelay = batchDelay
            self.liveWindow = liveWindow
            self.backlogMaxAge = backlogMaxAge
            self.heartbeatInterval = heartbeatInterval
            self.inFlight = inFlight
            self.devices = devices
        }
    }
}
