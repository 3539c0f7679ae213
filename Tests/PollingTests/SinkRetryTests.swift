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
            let directory = try Tools.temporaryDirectory()
            let file = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-TEST, enterprise: TEST }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)" } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
            """.write(to: file, atomically: true, encoding: .utf8)
            let site = try SiteConfigLoader.load(path: file.path).0
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
}
