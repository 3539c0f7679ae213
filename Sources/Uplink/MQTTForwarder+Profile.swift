import GatewayCore
import MQTT
import Outbox
import PlatformProfile

/// The platform-profile path of the MQTT uplink: a read's records become the profile's messages, each
/// published with QoS 1 to the uplink's topic; the read is acknowledged once the broker acknowledged
/// (PUBACK) every one. The platform's replies are not read over MQTT (a profile's `reply:` applies to
/// HTTP and framed TCP).
extension MQTTForwarder {
    /// The topic of a profile's messages: the uplink's `topic` with `{gateway}`, `{enterprise}` and
    /// `{lane}` (`data`, `events`, `heartbeat` or `catalogue`); `{device}` and `{point}` are empty.
    func profileTopic(_ kind: MessageKind) -> String {
        MQTTTopicTemplate(text: settings.topic).render(
            gateway: settings.gateway,
            enterprise: settings.enterprise,
            device: nil,
            point: nil,
            lane: kind.rawValue
        )
    }

    func profileMessages(for batch: Batch, channel: ProfileChannel) throws(ProfileError) -> [MQTTMessage] {
        try channel.render(batch.records, batchID: batch.batchID, logID: log.logID).messages.map { message in
            MQTTMessage(topic: profileTopic(message.kind), payload: message.body)
        }
    }

    func profileCatalogue(_ channel: ProfileChannel) throws(ProfileError) -> [MQTTMessage] {
        try channel.catalogue().map { MQTTMessage(topic: profileTopic(.catalogue), payload: $0.body) }
    }

    func profileHeartbeat(_ channel: ProfileChannel) throws(ProfileError) -> [MQTTMessage] {
        guard let message = try channel.heartbeat() else { return [] }
        return [MQTTMessage(topic: profileTopic(.heartbeat), payload: message.body)]
    }
}
