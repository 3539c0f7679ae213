import DeviceMap
import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// The processor finds a poll's point states by their position in the device's last poll. A reload
/// that removes a device moves other devices' states: their readings must still update their own
/// points, never a neighbour's or a removed one's.
@Suite struct StatePositionTests {
    static func site(endpoint: String, devices: [(id: String, unit: Int)]) throws -> SiteConfig {
        let lines = devices.map {
            "  - { id: \($0.id), link: plc, unit: \($0.unit), map: generic/combustible-gas-detector }"
        }
        return try PollingFixture.site(
            """
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            devices:
            \(lines.joined(separator: "\n"))
            """
        )
    }

    /// Each device's latest concentration, by device.
    static func concentrations(_ service: PollingService) async -> [String: Double] {
        await service.processor.latest().reduce(into: [:]) { values, reading in
            if reading.point == "concentration", let number = reading.value?.numeric {
                values[reading.device] = number
            }
        }
    }

    @Test func afterAReloadRemovesADeviceTheOthersReadingsStillReachTheirOwnPoints() async throws {
        try await withTCPSimulator(units: [1, 2, 3]) { (endpoint, simulator, _) async throws in
            for unit: UInt8 in [1, 2, 3] {
                simulator.set(.holding, unit: unit, address: 1, to: 0)
                simulator.set(.holding, unit: unit, address: 0, to: UInt16(unit) * 100)  // 10, 20, 30 %LEL
            }
            let first = try Self.site(endpoint: "\(endpoint)", devices: [("gd1", 1), ("gd2", 2), ("gd3", 3)])
            let sink = CollectingSink()
            let service = PollingService(site: first, plan: try SitePlan.make(first), sink: sink, logger: quietLogger)
            let task = Task { try await service.run() }
            defer { task.cancel() }
            try await sink.wait(for: "every device read") { _ in
                await Self.concentrations(service) == ["gd1": 10, "gd2": 20, "gd3": 30]
            }

            // gd1 goes: the states of the last points move into its places.
            let second = try Self.site(endpoint: "\(endpoint)", devices: [("gd2", 2), ("gd3", 3)])
            await service.processor.apply(site: second, replacing: first)
            service.apply(site: second, plan: try SitePlan.make(second))
            simulator.set(.holding, unit: 2, address: 0, to: 220)
            simulator.set(.holding, unit: 3, address: 0, to: 330)
            try await sink.wait(for: "gd2 and gd3 read after the reload") { _ in
                await Self.concentrations(service) == ["gd2": 22, "gd3": 33]
            }
            // Every reading since the reload went to its own device's point.
            let gd3 = await sink.readings(device: "gd3", point: "concentration").compactMap { $0.value?.numeric }
            let gd2 = await sink.readings(device: "gd2", point: "concentration").compactMap { $0.value?.numeric }
            #expect(Set(gd3).isSubset(of: [30, 33]), "\(gd3)")
            #expect(Set(gd2).isSubset(of: [20, 22]), "\(gd2)")
        }
    }
}
