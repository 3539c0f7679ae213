import AsyncHTTPClient
import DeviceMap
import Foundation
import GatewayCore
import Hummingbird
import Modbus
import NIOHTTP1
import Outbox
import Polling
import Receiver
import ServiceLifecycle
import Simulator
import TestSupport
import Testing
import Uplink
import UplinkPayload

/// Simulator → poller → durable log → uplink → `chemgate receive`'s server, over real HTTP.
@Suite("Uplink end to end")
struct UplinkEndToEndTests {
    /// Everything a test needs, started; `stop()` ends it.
    struct Harness {
        let log: DurableLog
        let receiver: ReceiverApp
        let receiverURL: String
        let service: PollingService
        let forwarder: UplinkForwarder
        let server: ModbusTCPServer
        let receiverServer: ServedInBackground
        /// The polling service's and the forwarder's.
        let tasks: [Task<Void, any Error>]

        static func start(token: String = "park-token", secret: String = "park-secret") async throws -> Harness {
            let directory = try Tools.temporaryDirectory()
            let simulator = Simulator(
                units: [],
                maps: [
                    1: try DeviceMapLoader.load(
                        path: Tools.repositoryRoot.appendingPathComponent("Devices/chemgate/simulator.yaml").path
                    )
                ]
            )
            let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
            let siteFile = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-E2E, enterprise: E-2E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(server.endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
            """.write(to: siteFile, atomically: true, encoding: .utf8)
            let site = try SiteConfigLoader.load(path: siteFile.path).0
            let log = try DurableLog(
                path: directory.appendingPathComponent("log.sqlite").path,
                options: LogOptions(destinations: ["park"])
            )
            let service = PollingService(site: site, plan: try SitePlan.make(site), sink: log, logger: quietLogger)

            let port = try Tools.freePort()
            let receiver = try ReceiverApp(
                options: ReceiverOptions(
                    port: port,
                    databasePath: directory.appendingPathComponent("receiver.sqlite").path,
                    bearerToken: token,
                    hmacSecret: secret,
                    testControls: true
                ),
                logger: quietLogger
            )
            let application = try receiver.makeApplication()
            let forwarder = UplinkForwarder(
                settings: .init(
                    id: "park",
                    url: "http://127.0.0.1:\(port)",
                    gateway: "GW-E2E",
                    enterprise: "E-2E",
                    bearerToken: token,
                    hmacSecret: secret,
                    batchRecords: 50,
                    batchDelay: .milliseconds(100),
                    heartbeatInterval: .seconds(60)
                ),
                log: log,
                logger: quietLogger,
                heartbeat: { nil }
            )
            let receiverServer = ServedInBackground(application, logger: quietLogger)
            // Wait until the receiver answers before anything talks to it.
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let health = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
                let response = try? await HTTPClient.shared.execute(health, timeout: .seconds(2))
                if response?.status == .ok { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let tasks = [
                Task { try await service.run() },
                Task { try await forwarder.run() },
            ]
            return Harness(
                log: log,
                receiver: receiver,
                receiverURL: "http://127.0.0.1:\(port)",
                service: service,
                forwarder: forwarder,
                server: server,
                receiverServer: receiverServer,
                tasks: tasks
            )
        }

        func stopPolling() async {
            tasks[0].cancel()
            _ = await tasks[0].result
        }

        func stop() {
            for task in tasks { task.cancel() }
            receiverServer.stop()
            server.stop()
        }

        /// Waits until the log has nothing pending for the platform.
        func waitUntilDrained(timeout: Duration = .seconds(20)) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if try await log.pending(for: "park").records == 0 { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TestFailure(
                "the log still holds \(try await log.pending(for: "park").records) records for the platform"
            )
        }

        func control(_ path: String) async throws {
            var request = HTTPClientRequest(url: receiverURL + path)
            request.method = .POST
            _ = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        }

        /// Every sequence number the log holds, events and readings.
        func logged() async throws -> Int {
            try await log.records(in: 1...Int64.max).count
        }
    }

    @Test func everyRecordArrivesOnceWithoutGaps() async throws {
        let harness = try await Harness.start()
        defer { harness.stop() }
        try await Task.sleep(for: .milliseconds(1500))
        await harness.stopPolling()
        try await harness.waitUntilDrained()
        let counts = try await harness.receiver.store.counts()
        let logged = try await harness.logged()
        #expect(logged > 10)
        #expect(counts.records + counts.events == logged, "every reading and event accounted for")
        #expect(counts.gaps.isEmpty, "\(counts.gaps)")
        #expect(counts.rejected == 0)
        #expect(harness.forwarder.statistics.values.acknowledged == counts.records + counts.events)
    }

    @Test func anOutageWithRetryAfterLosesNothing() async throws {
        let harness = try await Harness.start()
        defer { harness.stop() }
        try await harness.control("/control/unavailable?seconds=2&retry_after=1")
        try await Task.sleep(for: .milliseconds(1500))
        let during = try await harness.receiver.store.counts()
        #expect(during.records == 0, "nothing accepted while unavailable")
        #expect(during.rejected > 0, "the gateway tried and was told to wait")
        await harness.stopPolling()
        try await harness.waitUntilDrained()
        let counts = try await harness.receiver.store.counts()
        let logged = try await harness.logged()
        #expect(counts.records + counts.events == logged)
        #expect(counts.gaps.isEmpty)
        #expect(counts.outOfOrder == 0, "order kept per point across the outage")
    }

    @Test func aRefusedBatchGoesToTheDeadLetterTable() async throws {
        let harness = try await Harness.start()
        defer { harness.stop() }
        try await harness.control("/control/reject?status=400&count=1")
        try await Task.sleep(for: .milliseconds(800))
        await harness.stopPolling()
        try await harness.waitUntilDrained()
        let deadLetters = try await harness.log.deadLetters(destination: "park")
        #expect(deadLetters.count == 1)
        #expect(deadLetters.first?.reason.contains("HTTP 400") == true)
        let counts = try await harness.receiver.store.counts()
        let dead = deadLetters.reduce(0) { $0 + $1.sequences.count }
        let logged = try await harness.logged()
        #expect(counts.records + counts.events + dead == logged, "dead-lettered records are kept, not lost")
    }

    @Test func wrongCredentialsAreRetriedNotDeadLettered() async throws {
        let harness = try await Harness.start(token: "park-token")
        defer { harness.stop() }
        // A forwarder with the wrong token, on the same log, as a second destination.
        let wrong = UplinkForwarder(
            settings: .init(
                id: "wrong",
                url: harness.receiverURL,
                gateway: "GW-E2E",
                enterprise: "E-2E",
                bearerToken: "nope",
                batchDelay: .milliseconds(100)
            ),
            log: harness.log,
            logger: quietLogger,
            heartbeat: { nil }
        )
        let task = Task { try await wrong.run() }
        defer { task.cancel() }
        let deadline = ContinuousClock.now + .seconds(20)
        while wrong.statistics.values.lastError == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await harness.log.deadLetters(destination: "wrong").isEmpty)
        #expect(wrong.statistics.values.lastError?.contains("HTTP 401") == true)
        let pending = try await harness.log.pending(for: "wrong").records
        #expect(pending > 0, "kept for when the token is fixed")
    }
}
