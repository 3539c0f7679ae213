import DeviceMap
import Foundation
import GatewayCore
import Metrics
import Modbus
import Polling
import Prometheus
import Simulator
import TestSupport

/// One Prometheus registry for the test process: swift-metrics can be bootstrapped only once.
let sharedRegistry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    return registry
}()

/// A real poller polling a simulator, for the status endpoint to report on.
struct StatusFixture {
    let simulator: Simulator
    let server: ModbusTCPServer
    let site: SiteConfig
    let service: PollingService
    let health: PollingHealth
    let sink = CollectingSink()

    init(units: [UInt8] = [1, 2], faults: [UnitFault] = []) throws {
        _ = sharedRegistry
        let map = try DeviceMapLoader.load(
            path: Tools.repositoryRoot.appendingPathComponent("Devices/generic/combustible-gas-detector.yaml").path
        )
        simulator = Simulator(
            units: [],
            faults: faults,
            maps: Dictionary(uniqueKeysWithValues: units.map { ($0, map) })
        )
        server = try ModbusTCPServer(host: "127.0.0.1", port: 0, handler: simulator, logger: quietLogger)
        let devices = units.map {
            "  - { id: gd-\($0), name: 探测器 \($0), link: plc, unit: \($0), map: generic/combustible-gas-detector }"
        }
        let file = try Tools.temporaryDirectory().appendingPathComponent("site.yaml")
        try """
        gateway: { id: GW-STATUS, enterprise: E-1, name: 状态测试 }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "\(server.endpoint)", timeout: 150ms } ]
        scan_classes: { fast: 100ms }
        default_scan: fast
        polling: { demote_after: 2 }
        devices:
        \(devices.joined(separator: "\n"))
        """.write(to: file, atomically: true, encoding: .utf8)
        (site, _) = try SiteConfigLoader.load(path: file.path)
        service = PollingService(site: site, plan: try SitePlan.make(site), sink: sink, logger: quietLogger)
        health = PollingHealth(site: site, service: service, configHash: "test-hash", version: "test")
    }

    /// Polls while `body` runs.
    func polling<T>(_ body: () async throws -> T) async throws -> T {
        let service = self.service
        let task = Task { try await service.run() }
        defer {
            task.cancel()
            server.stop()
        }
        return try await body()
    }

    /// Waits until every device has been polled at least `cycles` times.
    func waitForPolls(_ cycles: Int = 2) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let devices = service.statistics.devices
            if site.devices.allSatisfy({ (devices[$0.id]?.polls ?? 0) >= cycles }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("devices not polled \(cycles) times")
    }
}
