import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// `chemgate run` with an `mqtt://` uplink → mosquitto → `chemgate receive --mqtt`, all real
/// processes: a gateway killed with SIGKILL during a stream loses nothing and the broker publishes its
/// last will; a broker killed and restarted during a stream loses nothing either.
@Suite("MQTT delivery: kill -9 of the gateway and of the broker")
struct MQTTDeliveryTests {
    /// The receiver subscribed to the broker, and a site whose uplink `park` publishes there.
    static func rig(_ broker: MosquittoBroker, endpoint: String, uplink: String = "") async throws -> GatewayRig {
        let directory = try Tools.temporaryDirectory()
        let receive = try ChildProcess(
            try Tools.chemgate(),
            [
                "receive", "--listen", "127.0.0.1:0", "--mqtt", broker.url(), "--topic", "chemgate/#",
                "--database", directory.appendingPathComponent("receiver.sqlite").path,
            ]
        )
        let listening = try await receive.waitForLine(containing: "listening on http://")
        try await receive.waitForLine(containing: "subscribed to chemgate/# on")
        let rig = GatewayRig(
            directory: directory,
            receive: receive,
            receiverURL: String(listening.split(separator: " ").last!),
            statusPort: try Tools.freePort()
        )
        try """
        gateway: { id: GW-MQ, enterprise: E-MQ }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "\(endpoint)" } ]
        scan_classes: { fast: 100ms }
        default_scan: fast
        storage: { path: "\(rig.logPath)" }
        status: { listen: "127.0.0.1:\(rig.statusPort)" }
        uplinks:
          - { id: park, url: "\(broker.url())", batch_delay: 50ms, heartbeat: 1s, batch_records: 5, in_flight: 3\(uplink) }
        devices: \(DeliveryTests.simulatorDevice)
        """.write(toFile: rig.config, atomically: true, encoding: .utf8)
        return rig
    }

    @Test func aGatewayKilledDuringAStreamLosesNothingAndItsWillIsSeen() async throws {
        let broker = try await MosquittoBroker()
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await Self.rig(broker, endpoint: "\(endpoint)")
            let watcher = try ChildProcess(
                "mosquitto_sub",
                ["-h", "127.0.0.1", "-p", "\(broker.port)", "-t", "chemgate/GW-MQ/status", "-v", "-q", "1"]
            )
            for round in 0..<3 {
                let before = try await rig.counts().records
                let run = try rig.run()
                let deadline = ContinuousClock.now + .seconds(15)
                while try await rig.counts().records <= before + 15, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...150)))
                run.signal(SIGKILL)
                _ = try await run.waitForExit()
                if round == 0 {
                    // The broker saw the connection end without a DISCONNECT: the retained will.
                    try await watcher.waitForLine(containing: "\"status\":\"offline\"", timeout: .seconds(10))
                    #expect(watcher.text.contains("\"status\":\"online\""), "the birth message came first")
                }
            }
            let maximum = try await rig.loggedMaximum()
            #expect(maximum > 40)
            let final = try rig.run()
            let counts = try await rig.waitUntilReceived(through: maximum + 5, timeout: .seconds(20))
            final.signal(SIGTERM)
            #expect(try await final.waitForExit() == 0, "\(final.text)")
            #expect(counts.gaps == 0)
            #expect(counts.records + counts.events >= maximum, "every sequence number up to \(maximum) arrived")
            #expect(counts.outOfOrder == 0, "each point's readings arrived in order")
        }
    }

    @Test func aBrokerKilledAndRestartedDuringAStreamLosesNothing() async throws {
        let broker = try await MosquittoBroker()
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await Self.rig(broker, endpoint: "\(endpoint)")
            let run = try rig.run()
            for _ in 0..<2 {
                let before = try await rig.counts().records
                let deadline = ContinuousClock.now + .seconds(15)
                while try await rig.counts().records <= before + 15, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                // mosquitto acknowledges before it saves: kill it once it has passed on what it took.
                _ = try await rig.waitUntilReceived(through: try await rig.loggedMaximum() - 5, timeout: .seconds(10))
                try await broker.killAndWait()
                try await Task.sleep(for: .milliseconds(700))  // the gateway keeps logging meanwhile
                try await broker.start()
            }
            try await Task.sleep(for: .milliseconds(300))
            let maximum = try await rig.loggedMaximum()
            let counts = try await rig.waitUntilReceived(through: maximum, timeout: .seconds(20))
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")
            #expect(counts.gaps == 0)
            #expect(counts.records + counts.events >= maximum, "every sequence number up to \(maximum) arrived")
            #expect(counts.outOfOrder == 0, "each point's readings arrived in order")
        }
    }

    @Test func aWrongPasswordIsAClearErrorNamingTheUplinkAndTheReasonCode() async throws {
        let broker = try await MosquittoBroker(users: ["gw": "right"])
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let directory = try Tools.temporaryDirectory()
            let site = directory.appendingPathComponent("site.yaml").path
            try """
            gateway: { id: GW-MQ, enterprise: E-MQ }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            storage: { path: "\(directory.appendingPathComponent("log.sqlite").path)" }
            status: { listen: "127.0.0.1:\(try Tools.freePort())" }
            uplinks:
              - { id: park-mqtt, url: "\(broker.url())", username_env: MQ_USER, password_env: MQ_PASSWORD }
            devices: \(DeliveryTests.simulatorDevice)
            """.write(toFile: site, atomically: true, encoding: .utf8)
            let run = try ChildProcess(
                try Tools.chemgate(),
                ["run", "--config", site],
                environment: ["MQ_USER": "gw", "MQ_PASSWORD": "not-the-password"]
            )
            let line = try await run.waitForLine(containing: "refused the connection")
            run.signal(SIGTERM)
            _ = try await run.waitForExit()
            #expect(line.contains("uplink 'park-mqtt'"), "\(line)")
            #expect(line.contains("reason code 5"), "\(line)")
            #expect(!run.text.contains("not-the-password"), "the password never reaches the log")
        }
    }
}
