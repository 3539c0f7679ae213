internal import Foundation
public import Logging
public import MQTT
internal import Synchronization
internal import UplinkPayload

/// The platform's stand-in on an MQTT broker: subscribes (QoS 1, persistent session) and stores the
/// chemgate batches and heartbeats that arrive exactly as the HTTP receiver stores POSTed ones (the
/// same database, the same `/counts`). Retained status messages (`online`/`offline`) are logged.
///
/// libmosquitto acknowledges a QoS 1 message when it hands it over, before it is stored: a receiver
/// killed in between loses that message (a platform needs a broker-side queue or MQTT 5 shared
/// subscriptions for that; the gateway's guarantee ends at the broker's PUBACK).
public struct MQTTReceiver: Sendable {
    public let options: MQTTOptions
    public let topic: String
    public let store: ReceiverStore
    let logger: Logger

    public init(options: MQTTOptions, topic: String, store: ReceiverStore, logger: Logger) {
        self.options = options
        self.topic = topic
        self.store = store
        self.logger = logger
    }

    /// Subscribes and stores what arrives until the task is cancelled.
    /// - Parameter onSubscribed: called once the broker first accepted the connection.
    public func run(onSubscribed: @escaping @Sendable () -> Void = {}) async throws {
        let once = OnceFlag()
        let client = try MQTTClient(options: options) { [logger, topic] event in
            switch event {
            case .connected(let session):
                logger.info("MQTT broker connected", metadata: ["topic": "\(topic)", "session": "\(session)"])
                if once.set() { onSubscribed() }
            case .failed(let error), .lost(let error):
                logger.error("\(error.description)")
            }
        }
        client.subscribe(topic, qos: .atLeastOnce)
        client.start()
        for await message in client.messages {
            await receive(message)
        }
        await client.stop()
    }

    /// Stores one message; anything else than a batch, a heartbeat or a status is counted as rejected.
    func receive(_ message: MQTTMessage) async {
        let path = "mqtt:" + message.topic
        let text = message.text
        do {
            if text.contains("\"\(BatchPayload.schema)\"") {
                let batch = try BatchPayload.decode(from: Data(message.payload))
                let outcome = try await store.store(batch, compressed: false, bodyBytes: message.payload.count)
                logger.info(
                    outcome.duplicate ? "duplicate batch" : "batch stored",
                    metadata: [
                        "batch_id": "\(batch.batchID)", "topic": "\(message.topic)",
                        "accepted": "\(outcome.accepted)", "already_received": "\(outcome.alreadyReceived)",
                    ]
                )
            } else if text.contains("\"\(HeartbeatPayload.schema)\"") {
                try await store.store(try HeartbeatPayload.decode(from: Data(message.payload)))
            } else if text.contains("\"status\"") && (text.contains("\"online\"") || text.contains("\"offline\"")) {
                logger.notice("gateway status", metadata: ["topic": "\(message.topic)", "status": "\(text)"])
            } else {
                try? await store.recordRejection(path: path, status: 400, reason: "not a chemgate batch or heartbeat")
                logger.warning("message refused: not a chemgate batch or heartbeat", metadata: ["topic": "\(path)"])
            }
        } catch let error as ReceiverStoreError {
            try? await store.recordRejection(path: path, status: 409, reason: error.description)
            logger.warning("message refused", metadata: ["topic": "\(path)", "reason": "\(error.description)"])
        } catch {
            try? await store.recordRejection(path: path, status: 400, reason: "\(error)")
            logger.warning("message refused", metadata: ["topic": "\(path)", "reason": "\(error)"])
        }
    }
}

/// True the first time only.
final class OnceFlag: Sendable {
    private let done = Mutex(false)

    func set() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
