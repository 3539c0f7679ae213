import DeviceMap
import Foundation
import GatewayCore
import Modbus
import Outbox
import Polling
import Simulator
import TestSupport
import Testing
import UplinkPayload

@testable import chemgate

/// The heartbeat tells the platform "monitoring alive" with each device's state, so that a silent
/// detector is not taken for a quiet one: against a real poller, simulator and log, it counts the
/// devices as the status endpoint shows them.
@Suite("Heartbeat: the devices' states")
struct HeartbeatDeviceStateTests {
    @Test func theHeartbeatCountsAnsweringSilentAndMaintainedDevices() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let map = try DeviceMapLoader.load(
            path: Tools.repositoryRoot.appendingPathComponent("Devices/generic/combustible-gas-detector.yaml").path
        )
        let simulator = Simulator(
            units: [],
            faults: [UnitFault(unit: 3, fault: .noReply)],
            maps: [1: map, 2: map, 3: map]
        )
        let server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        defer { server.stop() }
        let file = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-HEARTBEAT, enterprise: E-1 }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "\(server.endpoint)", timeout: 150ms } ]
        scan_classes: { fast: 100ms }
        default_scan: fast
        polling: { demote_after: 2 }
        devices:
          - { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector }
          - { id: gd-2, link: plc, unit: 2, map: generic/combustible-gas-detector, maintenance: true }
          - { id: gd-3, link: plc, unit: 3, map: generic/combustible-gas-detector }
        """.write(to: file, atomically: true, encoding: .utf8)
        let site = try SiteConfigLoader.load(path: file.path).0
        let service = PollingService(
            site: site,
            plan: try SitePlan.make(site),
            sink: CollectingSink(),
            logger: quietLogger
        )
        let health = PollingHealth(site: site, service: service, configHash: "hash-1", version: "test")
        let log = try DurableLog(path: directory.appendingPathComponent("log.sqlite").path)

        let polling = Task { try await service.run() }
        defer { polling.cancel() }
        let deadline = ContinuousClock.now + .seconds(15)
        var states: [String: String] = [:]
        while ContinuousClock.now < deadline {
            states = Dictionary(uniqueKeysWithValues: await health.snapshot().devices.map { ($0.id, $0.state) })
            if states == ["gd-1": "ok", "gd-2": "maintenance", "gd-3": "demoted"] { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(states == ["gd-1": "ok", "gd-2": "maintenance", "gd-3": "demoted"], "the status shows \(states)")

        let heartbeat = try #require(
            await RunServices.heartbeat(site: site, log: log, health: health, destination: "park")
        )
        #expect(heartbeat.gateway == "GW-HEARTBEAT" && heartbeat.enterprise == "E-1")
        #expect(heartbeat.configHash == "hash-1")
        #expect(heartbeat.devices == HeartbeatPayload.Devices(ok: 1, demoted: 1, maintenance: 1))

        // The status endpoint's snapshot still carries every point, named from its map; only the
        // heartbeat's leaves them out.
        let shown = await health.snapshot().points
        #expect(shown.count == (await service.processor.latest().count) && !shown.isEmpty)
        let concentration = try #require(shown.first { $0.device == "gd-1" && $0.point == "concentration" })
        #expect(concentration.name == "可燃气体浓度" && concentration.quality == "good")
        #expect(await health.snapshot(points: .none).points.isEmpty)
        // `/metrics`'s selection: the points of the maintained and the silent detector (their quality
        // gives a reason), none of the answering one's.
        let withReason = await health.snapshot(points: .withReason).points
        let reasons = withReason.map { "\($0.device) \($0.reason ?? "")" }
        #expect(Set(withReason.map(\.device)) == ["gd-2", "gd-3"], "\(reasons)")
        #expect(withReason.count == shown.filter { $0.reason != nil }.count)
    }
}
