import DeviceMap
import Foundation
import GatewayCore
import Polling
import TestSupport
import Testing

/// A log that refuses to store (a full disk) delays readings; it does not lose them.
@Suite("Storing readings: retried, in order, nothing lost")
struct SinkRetryTests {
    /// A sink that refuses its first `refusals` stores, as a full disk would, then stores.
    actor RefusingSink: ReadingSink {
        struct Refused: Error {}
        var refusals: Int
        let collected = CollectingSink()

        init(refusals: Int) { self.refusals = refusals }

        private func refuse() throws {
            if refusals > 0 {
                refusals -= 1
                throw Refused()
            }
        }

        func store(_ readings: [Reading]) async throws {
            try refuse()
            try await collected.store(readings)
        }

        func store(_ events: [GatewayEvent]) async throws {
            try refuse()
            try await collected.store(events)
        }

        func store(events: [GatewayEvent], readings: [Reading]) async throws {
            try refuse()
            try await collected.store(events)
            try await collected.store(readings)
        }
    }

    @Test func refusedStoresAreRetriedWithoutLossOrReordering() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let site = try PollingFixture.site(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            let sink = RefusingSink(refusals: 4)
            let service = PollingService(site: site, plan: try SitePlan.make(site), sink: sink, logger: quietLogger)
            let task = Task { try await service.run() }
            // Four refusals take 100 + 200 + 400 + 800 ms of backoff; wait for readings after that.
            try await sink.collected.wait(for: "readings stored after the refusals") { sink in
                await sink.readings.count > 20
            }
            #expect(service.statistics.sinkFailures == 4)
            #expect(service.statistics.sinkFailing == false, "recovered")
            task.cancel()
            _ = await task.result
            let readings = await sink.collected.readings.map(\.sequence)
            let events = await sink.collected.events.map(\.sequence)
            let all = (readings + events).sorted()
            #expect(readings == readings.sorted(), "stored in order")
            #expect(all == Array(1...UInt64(all.count)), "every sequence number from 1 stored: none lost")
        }
    }

    /// A sink that takes `delay` per store, as a slow disk would, and remembers the largest batch.
    actor SlowSink: ReadingSink {
        let delay: Duration
        private(set) var stored = 0
        private(set) var largestStore = 0

        init(delay: Duration) { self.delay = delay }

        func store(_ readings: [Reading]) async throws { try await store(events: [], readings: readings) }

        func store(_ events: [GatewayEvent]) async throws { try await store(events: events, readings: []) }

        func store(events: [GatewayEvent], readings: [Reading]) async throws {
            try await Task.sleep(for: delay)
            stored += events.count + readings.count
            largestStore = max(largestStore, events.count + readings.count)
        }
    }

    @Test func pollingWaitsForStorageInsteadOfQueueingWithoutBound() async throws {
        try await withTCPSimulator(units: [1, 2, 3, 4]) { (endpoint, _, _) async throws in
            let site = try PollingFixture.site(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 20ms }
                default_scan: fast
                polling: { snapshot_interval: 1s }
                devices:
                  - { id: u1, link: plc, unit: 1, map: chemgate/simulator }
                  - { id: u2, link: plc, unit: 2, map: chemgate/simulator }
                  - { id: u3, link: plc, unit: 3, map: chemgate/simulator }
                  - { id: u4, link: plc, unit: 4, map: chemgate/simulator }
                """
            )
            // Each store takes 300 ms while the link reads 4 devices every 20 ms.
            let sink = SlowSink(delay: .milliseconds(300))
            let service = PollingService(
                site: site,
                plan: try SitePlan.make(site),
                sink: sink,
                storageBacklogLimit: 10,
                logger: quietLogger
            )
            let task = Task { try await service.run() }
            try await Task.sleep(for: .seconds(2))
            task.cancel()
            _ = await task.result
            let largest = await sink.largestStore
            #expect(await sink.stored > 0)
            // Over the limit, the link stops after the cycle that crossed it: a store holds at most the
            // limit, one cycle (4 devices × 6 points) and one snapshot tick (the same 24 points), never
            // the hundreds of readings fifteen unthrottled cycles would queue during one store.
            #expect(largest <= 10 + 2 * 4 * 6, "largest store \(largest)")
            let overruns = service.statistics.scanClasses.values.reduce(0) { $0 + $1.overruns }
            #expect(overruns > 0, "skipped cycles are counted")
        }
    }
}
