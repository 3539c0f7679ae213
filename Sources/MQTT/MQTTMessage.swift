/// The delivery guarantee of a message (MQTT's quality of service; QoS 2 is not used by chemgate).
public enum MQTTQoS: Int32, Sendable, Hashable {
    /// Sent once, never acknowledged: for live-only data that a newer value replaces.
    case atMostOnce = 0
    /// Acknowledged by the broker (PUBACK) and resent until it is: what the durable log needs.
    case atLeastOnce = 1
}

/// One MQTT application message, published or received.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    /// A retained message is kept by the broker and given to every later subscriber of its topic.
    public var retain: Bool

    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }

    /// The payload as UTF-8 text (invalid bytes replaced), for logs and tests.
    public var text: String { String(decoding: payload, as: UTF8.self) }
}
