import Foundation
import GatewayCore
public import Logging
import MQTT
public import Outbox
import PlatformProfile
public import ServiceLifecycle
import Synchronization
public import UplinkPayload

/// Drains the durable log to an MQTT broker, in the lanes and order of the HTTP uplink (events, then
/// live readings, then backlog; order per point kept), at least once.
///
/// Each read from the log is cut into messages (``MQTTMessagePlan``) that are queued in order and
/// published with QoS 1; the read is acknowledged in the log only once the broker has acknowledged
/// (PUBACK) every message that holds part of it. At most ``Settings/inFlight`` messages are
/// unacknowledged at a time. The client keeps a persistent session and reconnects with capped,
/// jittered backoff; after a reconnect libmosquitto resends what was not acknowledged, and after a
/// gateway restart the log does: duplicates are possible (QoS 1) and carry their sequence numbers.
///
/// On every connection it publishes a retained `online` status (its last will, set at connect, is a
/// retained `offline`), and, in the ThingsBoard format, `v1/gateway/connect` and the attributes of
/// every device. A graceful shutdown publishes `offline` (and ThingsBoard disconnects) itself.
public struct MQTTForwarder: Service {
    public let settings: Settings
    public let statistics = UplinkStatistics()
    let log: DurableLog
    let logger: Logger
    private let heartbeat: @Sendable () async -> HeartbeatPayload?

    /// - Parameter heartbeat: builds the next heartbeat (chemgate format); nil skips one.
    public init(
        settings: Settings,
        log: DurableLog,
        logger: Logger,
        heartbeat: @escaping @Sendable () async -> HeartbeatPayload? = { nil }
    ) {
        self.settings = settings
        self.log = log
        self.logger = logger
        self.heartbeat = heartbeat
    }

    public func run() async throws {
        let connections = ConnectionCounter()
        var options = settings.client
        options.will = statusMessage(online: false)
        options.maxInFlight = settings.inFlight
        let broker = options.broker
        let client = try MQTTClient(options: options) { [logger, statistics, settings] event in
            switch event {
            case .connected(let sessionPresent):
                connections.value.add(1, ordering: .relaxed)
                logger.info(
                    "MQTT broker connected",
                    metadata: ["uplink": "\(settings.id)", "broker": "\(broker)", "session": "\(sessionPresent)"]
                )
            case .failed(let error), .lost(let error):
                statistics.record { $0.lastError = error.description }
                logger.error("\(error.description)", metadata: ["uplink": "\(settings.id)"])
            }
        }
        client.start()
        do {
            try await cancelWhenGracefulShutdown { try await forward(client, connections) }
        } catch is CancellationError {
            // Shutdown: what is not acknowledged stays in the log for the next run.
        }
        if settings.format == .thingsboardGateway, client.isConnected {
            let goodbyes = settings.devices.map {
                MQTTMessage(
                    topic: ThingsBoardGateway.disconnectTopic,
                    payload: ThingsBoardGateway.deviceMessage(deviceName($0.device))
                )
            }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await client.publish(goodbyes) }
                group.addTask { try? await Task.sleep(for: .seconds(2)) }
                await group.next()
                group.cancelAll()
            }
        }
        await client.stop(finalMessage: statusMessage(online: false))
    }

    private func forward(_ client: MQTTClient, _ connections: ConnectionCounter) async throws {
        var backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(60))
        var random = SplitMix64(seed: UInt64.random(in: 1...UInt64.max))
        let clock = ContinuousClock()
        let origin = clock.now
        var nextHeartbeat = origin
        var announced = 0
        var catalogueDue = await settings.profile?.catalogueDueAtStart(log: log, destination: settings.id) ?? false
        while !Task.isCancelled {
            try await client.waitUntilConnected()
            let connection = connections.value.load(ordering: .relaxed)
            if connection != announced {
                do {
                    try await client.publish(announcements())
                    announced = connection
                } catch {
                    try await failed("cannot announce the gateway to the broker: \(error)", &backoff, &random, origin)
                    continue
                }
            }
            if let channel = settings.profile {
                if channel.takeCatalogueRequest() || catalogueDue {
                    do {
                        try await client.publish(try profileCatalogue(channel))
                        catalogueDue = false
                        try? await log.recordCatalogue(digest: channel.catalogueDigest, for: settings.id)
                    } catch is CancellationError {
                        return
                    } catch {
                        catalogueDue = true
                        try await failed("publishing the point catalogue failed: \(error)", &backoff, &random, origin)
                        continue
                    }
                }
                if clock.now >= nextHeartbeat {
                    nextHeartbeat = clock.now + settings.heartbeatInterval
                    if let messages = try? profileHeartbeat(channel), !messages.isEmpty,
                        (try? await client.publish(messages)) != nil
                    {
                        statistics.record { $0.heartbeats += 1 }
                    }
                }
            } else if let topic = settings.heartbeatTopic, settings.format == .chemgate, clock.now >= nextHeartbeat {
                nextHeartbeat = clock.now + settings.heartbeatInterval
                if let payload = await heartbeat() {
                    let message = MQTTMessage(topic: render(topic), payload: Array(payload.encode()), qos: .atMostOnce)
                    if (try? await client.publish(message)) != nil { statistics.record { $0.heartbeats += 1 } }
                }
            }
            let batch: Batch?
            do {
                let reads =
                    settings.grouping == .batch ? settings.batchRecords * settings.inFlight : settings.batchRecords
                batch = try await log.nextBatch(
                    for: settings.id,
                    maxRecords: min(reads, 100_000),
                    liveWindow: settings.liveWindow
                )
            } catch {
                if Task.isCancelled { return }
                logger.error("cannot read the log", metadata: ["uplink": "\(settings.id)", "error": "\(error)"])
                try await Task.sleep(for: settings.batchDelay)
                continue
            }
            guard let batch else {
                try await Task.sleep(for: max(.milliseconds(10), min(settings.batchDelay, nextHeartbeat - clock.now)))
                continue
            }
            if let live = liveMessages(for: batch), !live.isEmpty {
                _ = try? await client.publish(live)  // QoS 0: a dashboard feed, never waited for nor resent
            }
            do {
                if let channel = settings.profile {
                    let outgoing: [MQTTMessage]
                    do throws(ProfileError) {
                        outgoing = try profileMessages(for: batch, channel: channel)
                    } catch {
                        // A record the profile cannot render (a message over max_bytes on its own) never will be.
                        try await log.deadLetter(batch, destination: settings.id, reason: error.description)
                        statistics.record {
                            $0.deadLettered += batch.records.count; $0.lastError = error.description
                        }
                        logger.error(
                            "batch cannot be rendered by the profile; moved to the dead-letter table",
                            metadata: ["uplink": "\(settings.id)", "reason": "\(error.description)"]
                        )
                        continue
                    }
                    try await client.publish(outgoing)
                } else {
                    try await client.publish(messages(for: batch))
                }
            } catch is CancellationError {
                return
            } catch {
                try await failed("publishing failed: \(error)", &backoff, &random, origin)
                continue
            }
            do {
                try await log.acknowledge(batch, destination: settings.id)
            } catch {
                if Task.isCancelled { return }
                logger.error(
                    "cannot record the broker's acknowledgement in the log; the records stay pending and are sent again",
                    metadata: ["uplink": "\(settings.id)", "error": "\(error)"]
                )
                statistics.record { $0.lastError = "cannot record the acknowledgement in the log: \(error)" }
                try await Task.sleep(for: max(settings.batchDelay, .seconds(1)))
                continue
            }
            backoff.succeeded()
            statistics.record {
                $0.acknowledged += batch.records.count; $0.lastAcknowledgement = .now(); $0.lastError = nil
            }
        }
    }

    private func failed(
        _ reason: String,
        _ backoff: inout ReconnectBackoff,
        _ random: inout SplitMix64,
        _ origin: ContinuousClock.Instant
    ) async throws {
        if Task.isCancelled { throw CancellationError() }
        let now = ContinuousClock.now - origin
        let wait = backoff.failed(at: now, random: &random) - now
        logger.warning(
            "MQTT upload failed; retrying",
            metadata: ["uplink": "\(settings.id)", "reason": "\(reason)", "in": "\(wait.readableDescription)"]
        )
        statistics.record {
            $0.retries += 1; $0.lastError = reason
        }
        try await Task.sleep(for: wait)
    }

    /// The messages of one read, in publishing order.
    func messages(for batch: Batch) -> [MQTTMessage] {
        switch settings.format {
        case .chemgate:
            let template = MQTTTopicTemplate(text: settings.topic)
            let grouping: MQTTMessagePlan.Grouping =
                switch settings.grouping {
                case .batch: .batch
                case .device: .device
                case .point: .point
                }
            let parts = MQTTMessagePlan.parts(
                batch.records,
                grouping: grouping,
                splitLanes: template.usesLane,
                maxRecords: settings.batchRecords
            )
            let sentAt = Timestamp.now()
            return parts.map { part in
                let chunk = Batch(destination: settings.id, records: part.records, logID: log.logID)
                let payload = BatchPayload.encodedBytes(
                    batch: chunk,
                    gateway: settings.gateway,
                    enterprise: settings.enterprise,
                    logID: log.logID,
                    sentAt: sentAt
                )
                let topic = template.render(
                    gateway: settings.gateway,
                    enterprise: settings.enterprise,
                    device: part.device,
                    point: part.point,
                    lane: part.lane
                )
                return MQTTMessage(topic: topic, payload: payload)
            }
        case .thingsboardGateway:
            let parts = MQTTMessagePlan.parts(
                batch.records,
                grouping: .batch,
                splitLanes: false,
                maxRecords: settings.batchRecords
            )
            return parts.map { part in
                let items: [ThingsBoardGateway.Item] = part.records.map { record in
                    switch record.payload {
                    case .reading(let reading): .reading(reading, sequence: UInt64(record.sequence))
                    case .event(let event): .event(event, sequence: UInt64(record.sequence))
                    }
                }
                return MQTTMessage(
                    topic: ThingsBoardGateway.telemetryTopic,
                    payload: ThingsBoardGateway.telemetry(items, gateway: settings.gateway, deviceName: deviceName)
                )
            }
        }
    }

    /// One QoS 0 message per live reading of the read, for ``Settings/liveTopic``; nil without one.
    func liveMessages(for batch: Batch) -> [MQTTMessage]? {
        guard let liveTopic = settings.liveTopic else { return nil }
        let template = MQTTTopicTemplate(text: liveTopic)
        return batch.records.compactMap { record -> MQTTMessage? in
            guard !record.backfill, case .reading(let reading) = record.payload else { return nil }
            var item = BatchRecord(reading: reading, backfill: false)
            item.sequence = UInt64(record.sequence)
            let topic = template.render(
                gateway: settings.gateway,
                enterprise: settings.enterprise,
                device: reading.device,
                point: reading.point,
                lane: "live"
            )
            return MQTTMessage(topic: topic, payload: item.encodedBytes(), qos: .atMostOnce)
        }
    }

    /// The retained status and, for ThingsBoard, the devices' connects and attributes.
    func announcements() -> [MQTTMessage] {
        var messages = [statusMessage(online: true)]
        if settings.format == .thingsboardGateway {
            for device in settings.devices {
                messages.append(
                    MQTTMessage(
                        topic: ThingsBoardGateway.connectTopic,
                        payload: ThingsBoardGateway.deviceMessage(deviceName(device.device))
                    )
                )
            }
            if !settings.devices.isEmpty {
                messages.append(
                    MQTTMessage(
                        topic: ThingsBoardGateway.attributesTopic,
                        payload: ThingsBoardGateway.attributes(
                            settings.devices,
                            gateway: settings.gateway,
                            deviceName: deviceName
                        )
                    )
                )
            }
        }
        return messages
    }

    /// `{"gateway": …, "status": "online" | "offline", "time": …}`, retained, QoS 1.
    func statusMessage(online: Bool) -> MQTTMessage {
        let text =
            "{\"gateway\":\(Self.quoted(settings.gateway)),\"status\":\"\(online ? "online" : "offline")\","
            + "\"time\":\"\(Timestamp.now().iso8601)\"}"
        return MQTTMessage(
            topic: render(settings.statusTopic),
            payload: Array(text.utf8),
            qos: .atLeastOnce,
            retain: true
        )
    }

    func deviceName(_ device: String) -> String {
        settings.deviceName.replacingOccurrences(of: "{gateway}", with: settings.gateway)
            .replacingOccurrences(of: "{device}", with: device)
    }

    private func render(_ topic: String) -> String {
        MQTTTopicTemplate(text: topic).render(gateway: settings.gateway, enterprise: settings.enterprise)
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// How many times the broker accepted a connection: a new one must be announced again.
final class ConnectionCounter: Sendable {
    let value = Atomic<Int>(0)
}

extension MQTTForwarder: CustomStringConvertible {
    /// Without credentials, for the service group's logs and errors.
    public var description: String { "uplink \(settings.id) (mqtt \(settings.client.broker))" }
}
