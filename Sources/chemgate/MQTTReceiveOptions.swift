import ArgumentParser
import Foundation
import Logging
import MQTT
import Receiver
import ServiceLifecycle

/// `chemgate receive --mqtt URL --topic FILTER`: also (or only) take batches from an MQTT broker.
struct MQTTReceiveOptions: ParsableArguments {
    @Option(help: "Subscribe to this broker too: mqtt://HOST:PORT or mqtts://HOST:PORT (docs/mqtt.md).")
    var mqtt: String?

    @Option(help: "The topic filter to subscribe to with --mqtt (QoS 1).")
    var topic: String = "chemgate/#"

    @Option(help: "The MQTT client id: keep it stable so the broker keeps the session while the receiver is away.")
    var mqttClientId: String = "chemgate-receiver"

    @Option(help: "The environment variable holding the broker user name.")
    var mqttUsernameEnv: String?

    @Option(help: "The environment variable holding the broker password.")
    var mqttPasswordEnv: String?

    @Option(help: "The CA that signs the broker's certificate (PEM), for mqtts:// (default: the system CAs).")
    var mqttCaFile: String?

    /// The receiving service, or nil without --mqtt.
    func service(store: ReceiverStore, logger: Logger) throws -> (any Service)? {
        guard let mqtt else { return nil }
        guard let url = MQTTBrokerURL(mqtt) else {
            throw ValidationError("--mqtt is mqtt://HOST:PORT or mqtts://HOST:PORT (no user or path), not \(mqtt)")
        }
        func environment(_ name: String?, _ option: String) throws -> String? {
            guard let name else { return nil }
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw ValidationError("\(option) names \(name), but that environment variable is not set")
            }
            return value
        }
        let options = MQTTOptions(
            name: "receiver",
            host: url.host,
            port: url.port,
            clientID: mqttClientId,
            username: try environment(mqttUsernameEnv, "--mqtt-username-env"),
            password: try environment(mqttPasswordEnv, "--mqtt-password-env"),
            tls: url.tls ? MQTTOptions.TLS(caFile: mqttCaFile) : nil
        )
        let receiver = MQTTReceiver(options: options, topic: topic, store: store, logger: logger)
        return MQTTReceiverService(receiver: receiver, broker: mqtt)
    }
}

/// Runs an ``MQTTReceiver`` until the service group shuts down.
struct MQTTReceiverService: Service {
    let receiver: MQTTReceiver
    let broker: String

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await receiver.run {
                Console.out("subscribed to \(receiver.topic) on \(broker)")
            }
        }
    }
}
