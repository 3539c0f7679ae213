import Foundation
import GatewayCore
import Logging
import MQTT
import Outbox
import Receiver
import TestSupport
import Testing
import Uplink

/// The MQTT uplink end to end, in process: the durable log → ``MQTTForwarder`` → a real mosquitto →
/// ``MQTTReceiver`` → the receiver's store and its `/counts`.
@Suite("MQTT uplink against mosquitto")
struct MQTTForwarderTests {
    struct Stream {
        let log: DurableLog
        let store: ReceiverStore
        let tasks: [Task<Void, any Error>]

        func stop() async {
            for task in tasks { task.cancel() }
            for task in tasks { _ = await task.result }
        }
    }

    static func options(_ broker: MosquittoBroker, id: String, tls: MQTTOptions.TLS? = nil) -> MQTTOptions {
        MQTTOptions(
            name: "uplink '\(id)'",
            host: "127.0.0.1",
            port: broker.port,
            clientID: id,
            keepalive: .seconds(5),
            tls: tls,
            reconnectInitial: .milliseconds(100),
            reconnectMaximum: .milliseconds(400)
        )
    }

    /// A log, a forwarder on uplink `park` and a receiver subscribed to `chemgate/#`.
    static func start(
        _ broker: MosquittoBroker,
        grouping: MQTTForwarder.Grouping = .batch,
        topic: String = "chemgate/{gateway}/{lane}",
        liveTopic: String? = nil,
        tls: MQTTOptions.TLS? = nil,
        receiverTLS: MQTTOptions.TLS? = nil
    ) async throws -> Stream {
        let directory = try Tools.temporaryDirectory()
        let log = try DurableLog(path: directory.appendingPathComponent("log.sqlite").path)
        let store = try ReceiverStore(path: directory.appendingPathComponent("receiver.sqlite").path)
        let logger = Logger(label: "test")
        let forwarder = MQTTForwarder(
            settings: .init(
                id: "park",
                gateway: "GW-MQ",
                enterprise: "E",
                client: options(broker, id: "gw-park", tls: tls),
                topic: topic,
                grouping: grouping,
                liveTopic: liveTopic,
                batchRecords: 7,
                batchDelay: .milliseconds(20),
                inFlight: 4
            ),
            log: log,
            logger: logger
        )
        let receiver = MQTTReceiver(
            options: options(broker, id: "receiver", tls: receiverTLS),
            topic: "chemgate/#",
            store: store,
            logger: logger
        )
        // The receiver must be subscribed before anything is published: a QoS 1 message the broker
        // accepts (PUBACK, so the gateway acknowledges it) while no one subscribes is delivered to no one.
        // Over TLS the receiver's handshake could lose that race to the forwarder's first publish.
        let (subscribed, signal) = AsyncStream<Void>.makeStream()
        let receiving = Task {
            defer { signal.finish() }
            try await receiver.run(onSubscribed: { signal.yield() })
        }
        for await _ in subscribed { break }
        return Stream(log: log, store: store, tasks: [Task { try await forwarder.run() }, receiving])
    }

    static func readings(_ range: Range<Int>, devices: Int = 3) -> [Reading] {
        range.map { index in
            Reading(
                gateway: "GW-MQ",
                device: "u\(index % devices)",
                point: "p\(index % 2)",
                value: .number(Double(index)),
                quality: .good,
                timestamp: .now()
            )
        }
    }

    /// Waits until the receiver holds `count` records with no gap.
    static func waitFor(_ count: Int, in store: ReceiverStore, timeout: Duration = .seconds(15)) async throws
        -> ReceiverCounts
    {
        let deadline = ContinuousClock.now + timeout
        var counts = try await store.counts()
        while ContinuousClock.now < deadline {
            counts = try await store.counts()
            if counts.records >= count, counts.gaps.isEmpty { return counts }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("the receiver holds \(counts) after \(timeout); expected \(count) records")
    }

    /// mosquitto sends its PUBACK before it saves the message (its persistence is a periodic snapshot,
    /// here after every change): a SIGKILL in between loses what it acknowledged last. So each kill
    /// comes once the receiver holds what was sent, and the stream goes on while the broker is down
    /// and right after it is back (docs/mqtt.md, "mosquitto").
    /// Whether nothing is pending for `park` within a few seconds (the acknowledgement follows the PUBACK).
    static func drained(_ log: DurableLog) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while try await log.pending(for: "park").records > 0 {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    @Test func aBrokerKilledAndRestartedDuringAStreamLosesNothing() async throws {
        let broker = try await MosquittoBroker()
        let stream = try await Self.start(broker)
        var appended = 0
        for round in 0..<3 {
            for _ in 0..<10 {
                _ = try await stream.log.append(Self.readings(appended..<appended + 10))
                appended += 10
                try await Task.sleep(for: .milliseconds(10))
            }
            _ = try await Self.waitFor(appended, in: stream.store)
            try await broker.killAndWait()
            _ = try await stream.log.append(Self.readings(appended..<appended + 25))  // written while it is down
            appended += 25
            try await Task.sleep(for: .milliseconds(200 * (round + 1)))
            try await broker.start()
        }
        let counts = try await Self.waitFor(appended, in: stream.store)
        #expect(counts.records == appended, "every sequence number arrived exactly once as a record")
        #expect(counts.gaps.isEmpty)
        #expect(counts.outOfOrder == 0, "each point's readings arrived in order")
        #expect(try await Self.drained(stream.log), "every record acknowledged once its PUBACK came")
        await stream.stop()
    }

    @Test func nothingIsAcknowledgedWithoutTheBrokersPuback() async throws {
        let broker = try await MosquittoBroker()
        let stream = try await Self.start(broker)
        _ = try await stream.log.append(Self.readings(0..<20))
        _ = try await Self.waitFor(20, in: stream.store)
        try await broker.killAndWait()
        _ = try await stream.log.append(Self.readings(20..<50))
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await stream.log.pending(for: "park").records == 30, "no broker, no acknowledgement")
        try await broker.start()
        _ = try await Self.waitFor(50, in: stream.store)
        #expect(try await Self.drained(stream.log))
        await stream.stop()
    }

    @Test func perDeviceMessagesGoToEachDevicesTopic() async throws {
        let broker = try await MosquittoBroker()
        let watcher = try MQTTClient(options: Self.options(broker, id: "watcher"))
        watcher.subscribe("chemgate/#")
        try await watcher.connect()
        let stream = try await Self.start(broker, grouping: .device, topic: "chemgate/{gateway}/{lane}/{device}")
        _ = try await stream.log.append(Self.readings(0..<30))
        _ = try await Self.waitFor(30, in: stream.store)
        var topics: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(5)
        for await message in watcher.messages {
            topics.insert(message.topic)
            let expected: Set = [
                "chemgate/GW-MQ/live/u0", "chemgate/GW-MQ/live/u1", "chemgate/GW-MQ/live/u2", "chemgate/GW-MQ/status",
            ]
            if topics.isSuperset(of: expected)
                || ContinuousClock.now > deadline
            {
                break
            }
        }
        #expect(topics.contains("chemgate/GW-MQ/live/u0"), "\(topics)")
        #expect(topics.contains("chemgate/GW-MQ/live/u2"), "\(topics)")
        #expect(topics.contains("chemgate/GW-MQ/status"), "the retained birth message: \(topics)")
        await stream.stop()
        await watcher.stop()
    }

    @Test func liveReadingsAlsoGoToTheLiveOnlyTopicWithQoS0() async throws {
        let broker = try await MosquittoBroker()
        let watcher = try MQTTClient(options: Self.options(broker, id: "live-watcher"))
        watcher.subscribe("live/#", qos: .atMostOnce)
        try await watcher.connect()
        let stream = try await Self.start(broker, liveTopic: "live/{gateway}/{device}/{point}")
        _ = try await stream.log.append(Self.readings(0..<6))
        var live: [MQTTMessage] = []
        let deadline = ContinuousClock.now + .seconds(5)
        for await message in watcher.messages {
            live.append(message)
            if live.count == 6 || ContinuousClock.now > deadline { break }
        }
        #expect(Set(live.map(\.topic)).contains("live/GW-MQ/u0/p0"), "\(live.map(\.topic))")
        #expect(live.allSatisfy { $0.qos == .atMostOnce })
        #expect(live.first?.text.contains("\"seq\":") == true, "\(live.first?.text ?? "")")
        _ = try await Self.waitFor(6, in: stream.store)  // the QoS 1 batches still carry every reading
        await stream.stop()
        await watcher.stop()
    }

    @Test func tlsWithAThrowawayCAAndAClientCertificate() async throws {
        let certificates = try await TestCertificates.make()
        let broker = try await MosquittoBroker(
            tls: .init(
                certificateFile: certificates.serverCertificate,
                keyFile: certificates.serverKey,
                caFile: certificates.caFile,
                requireClientCertificate: true
            )
        )
        let tls = MQTTOptions.TLS(
            caFile: certificates.caFile,
            certificateFile: certificates.clientCertificate,
            keyFile: certificates.clientKey
        )
        let stream = try await Self.start(broker, tls: tls, receiverTLS: tls)
        _ = try await stream.log.append(Self.readings(0..<15))
        let counts = try await Self.waitFor(15, in: stream.store)
        #expect(counts.records == 15)
        await stream.stop()

        // A CA that did not sign the broker's certificate: no connection, and an error that says why.
        let wrong = try MQTTClient(
            options: Self.options(broker, id: "wrong-ca", tls: .init(caFile: certificates.otherCAFile))
        )
        let error = await #expect(throws: MQTTError.self) { try await wrong.connect() }
        #expect(error?.description.contains("uplink 'wrong-ca'") == true, "\(String(describing: error))")
        #expect(error?.description.contains("ca_file") == true, "\(String(describing: error))")
        await wrong.stop()
    }
}
