import DeviceMap
import Foundation
import Logging
import MQTT
import Outbox
import Polling
import Uplink
import UplinkPayload

extension RunServices {
    /// One ``MQTTForwarder`` per `mqtt://` or `mqtts://` uplink (docs/mqtt.md).
    /// - Throws: when an environment variable named by `username_env` or `password_env` is not set.
    static func mqttUplinks(site: SiteConfig, log: DurableLog, health: PollingHealth, logger: Logger) throws
        -> [MQTTForwarder]
    {
        try site.uplinks.compactMap { uplink in
            guard let mqtt = uplink.mqtt else { return nil }
            let key = "uplinks[\(uplink.id)]"
            let options = MQTTOptions(
                name: "uplink '\(uplink.id)'",
                host: mqtt.host,
                port: mqtt.port,
                clientID: mqtt.clientID ?? String("chemgate-\(site.gateway.id)-\(uplink.id)".prefix(64)),
                protocolVersion: mqtt.protocolVersion == "5" ? .v5 : .v311,
                keepalive: mqtt.keepalive,
                username: try mqttEnvironment(mqtt.usernameEnvironment, key: "\(key).username_env"),
                password: try mqttEnvironment(mqtt.passwordEnvironment, key: "\(key).password_env"),
                tls: mqtt.tls
                    ? MQTTOptions.TLS(
                        caFile: uplink.caFile,
                        certificateFile: uplink.clientCertificate,
                        keyFile: uplink.clientKey
                    ) : nil,
                maxInFlight: mqtt.inFlight
            )
            var settings = MQTTForwarder.Settings(
                id: uplink.id,
                gateway: site.gateway.id,
                enterprise: site.gateway.enterprise,
                client: options,
                format: mqtt.format == .thingsboardGateway ? .thingsboardGateway : .chemgate,
                topic: mqtt.topic,
                grouping: MQTTForwarder.Grouping(rawValue: mqtt.grouping.rawValue) ?? .batch,
                liveTopic: mqtt.liveTopic,
                statusTopic: mqtt.statusTopic,
                heartbeatTopic: mqtt.heartbeatTopic,
                deviceName: mqtt.deviceName,
                batchRecords: uplink.batchRecords,
                batchDelay: uplink.batchDelay,
                liveWindow: uplink.liveWindow,
                backlogMaxAge: uplink.backlogMaxAge,
                heartbeatInterval: uplink.heartbeat,
                inFlight: mqtt.inFlight,
                devices: site.devices.map { device in
                    ThingsBoardGateway.DeviceAttributes(
                        device: device.id,
                        name: device.name,
                        location: device.location,
                        units: Dictionary(
                            device.points.compactMap { point in point.definition.unit.map { (point.definition.id, $0) }
                            },
                            uniquingKeysWith: { first, _ in first }
                        )
                    )
                }
            )
            settings.profile = try profileChannel(for: uplink, site: site)
            return MQTTForwarder(settings: settings, log: log, logger: logger) {
                await heartbeat(site: site, log: log, health: health, destination: uplink.id)
            }
        }
    }

    private static func mqttEnvironment(_ variable: String?, key: String) throws -> String? {
        guard let variable else { return nil }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw ValidationFailure(description: "\(key) names \(variable), but that environment variable is not set")
        }
        return value
    }
}
