import Foundation
import MQTT
import TestSupport
import Testing

/// The libmosquitto binding against a real mosquitto broker: QoS 1 publishes return on PUBACK and
/// survive a broker killed with SIGKILL, refusals name the client and the broker's reason code.
@Suite("MQTT client against mosquitto")
struct MQTTClientTests {
    static func options(_ broker: MosquittoBroker, id: String, version: MQTTOptions.ProtocolVersion = .v311)
        -> MQTTOptions
    {
        MQTTOptions(
            name: "uplink 'park'",
            host: "127.0.0.1",
            port: broker.port,
            clientID: id,
            protocolVersion: version,
            keepalive: .seconds(5),
            reconnectInitial: .milliseconds(100),
            reconnectMaximum: .milliseconds(500)
        )
    }

    @Test(arguments: [MQTTOptions.ProtocolVersion.v311, .v5])
    func publishedMessagesArriveInOrderOnceAcknowledged(version: MQTTOptions.ProtocolVersion) async throws {
        let broker = try await MosquittoBroker()
        let subscriber = try MQTTClient(options: Self.options(broker, id: "sub", version: version))
        subscriber.subscribe("t/#")
        try await subscriber.connect()
        let publisher = try MQTTClient(options: Self.options(broker, id: "pub", version: version))
        try await publisher.connect()
        // The network loops' threads carry the uplink's name (`top -H`, `perf`), 15 bytes of it.
        #expect(try threadNames().filter { $0 == "mqtt uplink 'pa" }.count >= 2)
        let messages = (1...300).map { MQTTMessage(topic: "t/\($0 % 3)", payload: Array("\($0)".utf8)) }
        try await publisher.publish(messages)
        let received = try await Self.collect(300, from: subscriber).map { Int($0.text) ?? -1 }
        #expect(received == Array(1...300))
        await publisher.stop()
        await subscriber.stop()
    }

    @Test func aMessagePublishedWhileTheBrokerIsDownIsDeliveredAfterItRestarts() async throws {
        let broker = try await MosquittoBroker()
        let subscriber = try MQTTClient(options: Self.options(broker, id: "sub-restart"))
        subscriber.subscribe("t/#")
        try await subscriber.connect()
        let publisher = try MQTTClient(options: Self.options(broker, id: "pub-restart"))
        try await publisher.connect()
        // Time for the broker to save the subscriber's session (it saves once per change, not at once):
        // otherwise the restarted broker may take the resent message before the subscriber is back.
        try await Task.sleep(for: .seconds(1))
        try await broker.killAndWait()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!publisher.isConnected)
        let published = Task { try await publisher.publish(MQTTMessage(topic: "t/a", payload: Array("late".utf8))) }
        try await Task.sleep(for: .milliseconds(300))
        try await broker.start()
        try await published.value  // returns on the PUBACK of the restarted broker
        let message = try await Self.collect(1, from: subscriber).first
        #expect(message?.text == "late", "both clients reconnected by themselves; the subscriber's session got it")
        await publisher.stop()
        await subscriber.stop()
    }

    @Test(arguments: [(MQTTOptions.ProtocolVersion.v311, Int32(5)), (.v5, Int32(135))])
    func aWrongPasswordNamesTheUplinkAndTheBrokersReasonCode(
        version: MQTTOptions.ProtocolVersion,
        code: Int32
    ) async throws {
        let broker = try await MosquittoBroker(users: ["gw": "right"])
        var options = Self.options(broker, id: "wrong-password", version: version)
        options.username = "gw"
        options.password = "wrong-secret"
        let client = try MQTTClient(options: options)
        let error = await #expect(throws: MQTTError.self) { try await client.connect() }
        #expect(error?.code == .refused(reasonCode: code))
        let text = error?.description ?? ""
        #expect(text.contains("uplink 'park'"), "\(text)")
        #expect(text.contains("reason code \(code)"), "\(text)")
        #expect(!text.contains("wrong-secret"), "the password never appears in a message")
        await client.stop()

        options.password = "right"
        let good = try MQTTClient(options: options)
        try await good.connect()
        #expect(good.isConnected)
        await good.stop()
    }

    /// The next `count` messages of `client`, or a failure after `timeout`.
    static func collect(_ count: Int, from client: MQTTClient, timeout: Duration = .seconds(10)) async throws
        -> [MQTTMessage]
    {
        try await withThrowingTaskGroup(of: [MQTTMessage]?.self) { group in
            group.addTask {
                var messages: [MQTTMessage] = []
                for await message in client.messages {
                    messages.append(message)
                    if messages.count == count { break }
                }
                return messages
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            guard let messages = first else { throw TestFailure("\(count) messages did not arrive within \(timeout)") }
            return messages
        }
    }
}
