import DeviceMap
import Foundation
import GatewayCore
import Modbus
import Outbox
import Polling
import Receiver
import Simulator
import TestSupport
import Testing
import Uplink
import UplinkPayload

/// Issue #20 items 1, 2, 7 and 8: honest `backfill` labels, `report: every_poll`, and a cut-off
/// request that is not a rejection. Simulator → poller → log → uplink → a recording platform.
@Suite("Uplink timeliness and labels")
struct UplinkTimelinessTests {
    /// Polls the simulator at 100 ms for `duration` with `polling` as the site's polling section, sends
    /// to a recording platform, and returns what it received once the log is drained.
    static func run(
        polling: String,
        batchDelay: Duration,
        for duration: Duration
    ) async throws -> [RecordingPlatform.Seen] {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let simulator = Simulator(
            units: [],
            maps: [
                1: try DeviceMapLoader.load(
                    path: Tools.repositoryRoot.appendingPathComponent("Devices/chemgate/simulator.yaml").path
                )
            ]
        )
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        let siteFile = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-LIVE, enterprise: E-LIVE }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "\(server.endpoint)" } ]
        scan_classes: { fast: 100ms }
        default_scan: fast
        polling: \(polling)
        devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
        """.write(to: siteFile, atomically: true, encoding: .utf8)
        let site = try SiteConfigLoader.load(path: siteFile.path).0
        let log = try DurableLog(
            path: directory.appendingPathComponent("log.sqlite").path,
            options: LogOptions(synchronous: .normal, destinations: ["park"], gateway: "GW-LIVE")
        )
        let platform = try await RecordingPlatform()
        defer { platform.stop() }
        let service = PollingService(site: site, plan: try SitePlan.make(site), sink: log, logger: quietLogger)
        let forwarder = UplinkForwarder(
            settings: .init(
                id: "park",
                url: platform.url,
                gateway: "GW-LIVE",
                enterprise: "E-LIVE",
                batchDelay: batchDelay,
                gzip: false
            ),
            log: log,
            logger: quietLogger,
            heartbeat: { nil }
        )
        let polling = Task { try await service.run() }
        let sending = Task { try await forwarder.run() }
        defer { sending.cancel() }
        try await Task.sleep(for: duration)
        polling.cancel()
        _ = await polling.result
        let deadline = ContinuousClock.now + .seconds(10)
        while try await log.pending(for: "park").records > 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await log.pending(for: "park").records == 0)
        return platform.accepted
    }

    /// The records received, in arrival order.
    static func records(_ seen: [RecordingPlatform.Seen]) -> [BatchRecord] { seen.flatMap(\.batch.records) }

    @Test func at100msScanNoRecordIsBackfillWithoutAnOutage() async throws {
        // A slow batch delay: several polls of each point wait for every batch.
        let seen = try await Self.run(
            polling: "{ report: every_poll }",
            batchDelay: .milliseconds(400),
            for: .seconds(2)
        )
        let records = Self.records(seen)
        #expect(records.count > 40)
        #expect(records.filter(\.backfill).isEmpty, "\(records.filter(\.backfill).count) of \(records.count) backfill")
        // Per point, in time (and sequence) order.
        var last: [String: UInt64] = [:]
        for record in records {
            #expect(record.sequence > last[record.point, default: 0], "\(record.point) out of order")
            last[record.point] = record.sequence
        }
    }

    @Test func everyPollDeliversOneRecordPerPoll() async throws {
        let seen = try await Self.run(
            polling: "{ report: every_poll }",
            batchDelay: .milliseconds(50),
            for: .seconds(2)
        )
        let records = Self.records(seen)
        let byPoint = Dictionary(grouping: records, by: \.point)
        #expect(byPoint.count >= 5)
        for (point, readings) in byPoint {
            // 2 s at 100 ms: about 20 polls, each one a record, none skipped (continuity).
            #expect(readings.count >= 15, "\(point): \(readings.count) records")
            let times = readings.map(\.timestamp.milliseconds)
            #expect(Set(times).count == times.count, "\(point): one record per poll")
            let gaps = zip(times, times.dropFirst()).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 < 350 }, "\(point): a poll is missing (\(gaps.max() ?? 0) ms)")
        }
        // unit_id never changes: its first record is the change, every later poll is labelled `poll`.
        let unitID = byPoint["unit_id"] ?? []
        #expect(unitID.first?.report == .change)
        #expect(unitID.dropFirst().allSatisfy { $0.report == .poll })
    }

    @Test func byExceptionAnUnchangedPointIsNotReportedEveryPoll() async throws {
        let seen = try await Self.run(polling: "{ report: exception }", batchDelay: .milliseconds(50), for: .seconds(2))
        let records = Self.records(seen)
        #expect(!records.isEmpty)
        #expect(!records.contains { $0.report == .poll })
        // unit_id never changes: reported once.
        #expect(records.filter { $0.point == "unit_id" && $0.report == .change }.count == 1)
    }

    @Test func aRequestCutOffMidBodyIsNotCountedAsRejected() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = try await LocalReceiver.start(in: directory)
        defer { receiver.stop() }
        do {
            let connection = try RawConnection(port: receiver.port)
            let deadline = ContinuousClock.now + .seconds(5)
            while !connection.isConnected, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            // A gateway shutting down mid-request: headers and part of the body, then the connection closes.
            #expect(
                connection.send(
                    "POST /batches HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Idempotency-Key: b-1\r\nContent-Length: 4000\r\n\r\n{\"schema\": \"chemgate.batch/1\", "
                )
            )
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .milliseconds(500))
        let counts = try await receiver.app.store.counts()
        #expect(counts.rejected == 0)
        #expect(counts.batches == 0)
    }
}
