import DeviceMap
import Foundation
import GatewayCore
import Polling
import TestSupport
import Testing

/// Stopping while the log refuses everything (issue #12, item 4): the writer keeps retrying for its
/// grace time (10 s), then counts what is lost; it does not give up after a few attempts.
@Suite("Stopping while the log refuses: a bounded grace time, then an exact count")
struct StopGraceTests {
    /// A sink that refuses every store, as a full disk does, and counts the attempts.
    actor RefusingSink: ReadingSink {
        struct Refused: Error {}
        private(set) var attempts = 0

        func store(_ readings: [Reading]) async throws { try await store(events: [], readings: readings) }

        func store(_ events: [GatewayEvent]) async throws { try await store(events: events, readings: []) }

        func store(events: [GatewayEvent], readings: [Reading]) async throws {
            attempts += 1
            throw Refused()
        }
    }

    @Test func aStoppingWriterRetriesForItsGraceTimeThenCountsTheLoss() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let site = try PollingFixture.site(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            let sink = RefusingSink()
            let service = PollingService(site: site, plan: try SitePlan.make(site), sink: sink, logger: quietLogger)
            let task = Task { try await service.run() }
            try await Task.sleep(for: .milliseconds(800))
            #expect(service.statistics.sinkFailing)
            let attemptsAtStop = await sink.attempts
            let stop = ContinuousClock.now
            task.cancel()
            _ = await task.result
            let waited = ContinuousClock.now - stop
            #expect(waited >= .milliseconds(9500), "retried for the grace time, not \(waited)")
            #expect(waited < .seconds(16), "and no longer: \(waited)")
            #expect(await sink.attempts > attemptsAtStop + 5, "kept trying while stopping")
            #expect(service.statistics.sinkLost > 0, "the loss is counted")
        }
    }
}

/// When the log stores again after refusing, an event says so (and for how long it refused).
@Suite("Storage recovered: an event")
struct StorageRecoveredTests {
    actor RefusingThenStoring: ReadingSink {
        struct Refused: Error {}
        var refusals: Int
        let collected = CollectingSink()

        init(refusals: Int) { self.refusals = refusals }

        func store(_ readings: [Reading]) async throws { try await store(events: [], readings: readings) }

        func store(_ events: [GatewayEvent]) async throws { try await store(events: events, readings: []) }

        func store(events: [GatewayEvent], readings: [Reading]) async throws {
            if refusals > 0 {
                refusals -= 1
                throw Refused()
            }
            try await collected.store(events)
            try await collected.store(readings)
        }
    }

    @Test func aRecoveredLogIsAnnouncedByAnEvent() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let site = try PollingFixture.site(
                """
                links: [ { id: plc, endpoint: "\(endpoint)" } ]
                scan_classes: { fast: 100ms }
                default_scan: fast
                devices: [ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]
                """
            )
            let sink = RefusingThenStoring(refusals: 3)
            let service = PollingService(site: site, plan: try SitePlan.make(site), sink: sink, logger: quietLogger)
            let task = Task { try await service.run() }
            defer { task.cancel() }
            try await sink.collected.wait(for: "the storage_recovered event") { sink in
                await sink.events.contains { $0.kind == .storageRecovered }
            }
            let event = try #require(await sink.collected.events.first { $0.kind == .storageRecovered })
            #expect(event.reason.contains("the log stores again after refusing 3 times"), "\(event.reason)")
            #expect(event.sequence > 0, "numbered like every other event")
        }
    }
}
