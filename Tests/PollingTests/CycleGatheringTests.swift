import DeviceMap
import GatewayCore
import Modbus
import Polling
import Simulator
import TestSupport
import Testing

/// A link's poll cycle goes to the log in one store (one transaction, one fsync, one upload), and
/// neither a slow cycle nor an event waits for it.
@Suite("Storing a poll cycle in one store")
struct CycleGatheringTests {
    /// What one store held, and when it was made.
    struct Store: Sendable {
        var devices: Set<String>
        var events: [GatewayEvent.Kind]
        var at: ContinuousClock.Instant
        /// The processor's sequence numbers in the order the store writes them (events, then readings).
        var sequences: [UInt64] = []
    }

    /// A sink that keeps every store apart.
    actor RecordingSink: ReadingSink {
        private(set) var stores: [Store] = []

        func store(_ readings: [Reading]) async throws { try await store(events: [], readings: readings) }

        func store(_ events: [GatewayEvent]) async throws { try await store(events: events, readings: []) }

        func store(events: [GatewayEvent], readings: [Reading]) async throws {
            stores.append(
                Store(
                    devices: Set(readings.map(\.device)),
                    events: events.map(\.kind),
                    at: .now,
                    sequences: events.map(\.sequence) + readings.map(\.sequence)
                )
            )
        }
    }

    private func poll(_ yaml: String, for window: Duration) async throws -> [Store] {
        let site = try PollingFixture.site(yaml)
        let sink = RecordingSink()
        let service = PollingService(site: site, plan: try SitePlan.make(site), sink: sink, logger: quietLogger)
        let task = Task { try await service.run() }
        try await Task.sleep(for: window)
        task.cancel()
        _ = await task.result
        return await sink.stores
    }

    @Test func theDevicesOfACycleGoInOneStore() async throws {
        try await withTCPSimulator(units: [1, 2, 3, 4, 5]) { (endpoint, _, _) async throws in
            let stores = try await poll(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 250ms }
                default_scan: fast
                devices:
                  - { id: u1, link: plc, unit: 1, map: chemgate/simulator }
                  - { id: u2, link: plc, unit: 2, map: chemgate/simulator }
                  - { id: u3, link: plc, unit: 3, map: chemgate/simulator }
                  - { id: u4, link: plc, unit: 4, map: chemgate/simulator }
                  - { id: u5, link: plc, unit: 5, map: chemgate/simulator }
                """,
                for: .seconds(2)
            )
            let withReadings = stores.filter { !$0.devices.isEmpty }
            let whole = withReadings.filter { $0.devices.count == 5 }
            // About 8 cycles. Before, each device's readings went in a store of their own (5 a cycle).
            #expect(withReadings.count >= 4, "\(withReadings.count) stores with readings")
            #expect(
                whole.count * 4 >= withReadings.count * 3,
                "\(whole.count) of \(withReadings.count) stores held the whole cycle: \(withReadings.map(\.devices.count))"
            )
        }
    }

    @Test func aSlowCycleHoldsReadingsAtMostTheGatherLimit() async throws {
        let slow = UnitFault(unit: 2, fault: .delay(.milliseconds(400)))
        try await withTCPSimulator(units: [1, 2, 3, 4], faults: [slow]) { (endpoint, _, _) async throws in
            let started = ContinuousClock.now
            let stores = try await poll(
                """
                links: [ { id: plc, endpoint: "\(endpoint)", timeout: 1s } ]
                scan_classes: { slow: 5s }
                default_scan: slow
                devices:
                  - { id: u1, link: plc, unit: 1, map: chemgate/simulator }
                  - { id: u2, link: plc, unit: 2, map: chemgate/simulator }
                  - { id: u3, link: plc, unit: 3, map: chemgate/simulator }
                  - { id: u4, link: plc, unit: 4, map: chemgate/simulator }
                """,
                for: .milliseconds(1500)
            )
            let first = try #require(stores.first { $0.devices.contains("u1") })
            let rest = try #require(stores.first { $0.devices.contains("u4") })
            // u1's readings do not wait for u2's 400 ms: stored within the gather limit (25 ms) and
            // some slack, in a store of their own.
            #expect(first.devices == ["u1"], "u1 went with \(first.devices)")
            #expect(first.at - started < .milliseconds(350), "u1 stored \(first.at - started) after the start")
            // What came after the slow device went together, at the end of the cycle.
            #expect(rest.devices == ["u2", "u3", "u4"], "the end of the cycle went as \(stores.map(\.devices))")
        }
    }

    @Test func anEventDoesNotWaitForTheCycle() async throws {
        let faults = [
            UnitFault(unit: 2, fault: .noReply),
            UnitFault(unit: 3, fault: .delay(.milliseconds(500))),
        ]
        try await withTCPSimulator(units: [1, 2, 3], faults: faults) { (endpoint, _, _) async throws in
            let stores = try await poll(
                """
                links: [ { id: plc, endpoint: "\(endpoint)", timeout: 700ms } ]
                scan_classes: { slow: 5s }
                default_scan: slow
                polling: { demote_after: 1, retries: 0 }
                devices:
                  - { id: u1, link: plc, unit: 1, map: chemgate/simulator }
                  - { id: u2, link: plc, unit: 2, map: chemgate/simulator }
                  - { id: u3, link: plc, unit: 3, map: chemgate/simulator }
                """,
                for: .milliseconds(1800)
            )
            let demoted = try #require(stores.first { $0.events.contains(.deviceDemoted) })
            let last = try #require(stores.first { $0.devices.contains("u3") })
            // The event is stored while u3 still takes its 500 ms, not with the end of the cycle.
            #expect(last.at - demoted.at > .milliseconds(300), "event stored \(last.at - demoted.at) before u3")
        }
    }

    @Test func anAlarmInTheMiddleOfACycleIsStoredAfterTheReadingsTakenBeforeIt() async throws {
        try await withTCPSimulator(units: [1, 2, 3]) { (endpoint, simulator, _) async throws in
            for unit: UInt8 in [1, 2, 3] {
                for address in 1...4 { simulator.set(.holding, unit: unit, address: address, to: 0) }
            }
            let site = try PollingFixture.site(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 200ms }
                default_scan: fast
                devices:
                  - { id: u1, link: plc, unit: 1, map: chemgate/simulator }
                  - { id: u2, link: plc, unit: 2, map: chemgate/simulator }
                  - { id: u3, link: plc, unit: 3, map: chemgate/simulator }
                """
            )
            let sink = RecordingSink()
            let service = PollingService(site: site, plan: try SitePlan.make(site), sink: sink, logger: quietLogger)
            let task = Task { try await service.run() }
            try await Task.sleep(for: .milliseconds(700))
            // Between two cycles every unit's temperature changes, and u2's gas reaches 30 %LEL (first
            // level 25): u2's alarm is raised in the middle of a cycle that u1's readings began.
            for unit: UInt8 in [1, 2, 3] { simulator.set(.holding, unit: unit, address: 3, to: 250) }
            simulator.set(.holding, unit: 2, address: 4, to: 100)
            try await Task.sleep(for: .milliseconds(700))
            task.cancel()
            _ = await task.result
            let stores = await sink.stores
            #expect(stores.contains { $0.events.contains(.alarmRaised) }, "u2's alarm was raised")
            // Written in the order the processor numbered them: the alarm after u1's readings of the
            // same cycle, not before them.
            let written = stores.flatMap(\.sequences)
            #expect(written == written.sorted(), "sequence numbers as written: \(written.prefix(80))")
        }
    }
}
