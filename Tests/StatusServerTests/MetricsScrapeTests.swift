import GatewayCore
import Hummingbird
import HummingbirdTesting
import StatusServer
import Synchronization
import TestSupport
import Testing

/// What a `/metrics` scrape reads of the gateway.
@Suite("Metrics scrape")
struct MetricsScrapeTests {
    /// Counts the reads of the gateway's state and keeps the snapshot the metrics were refreshed from.
    final class Reads: Sendable {
        let snapshots = Mutex(0)
        let refreshedFrom = Mutex<String?>(nil)
    }

    /// A fixed snapshot whose every read is counted.
    struct CountingReporter: HealthReporting {
        let fixed: HealthSnapshot
        let reads: Reads

        func snapshot() async -> HealthSnapshot {
            reads.snapshots.withLock { $0 += 1 }
            return fixed
        }

        func setMaintenance(_ on: Bool, device: String) async -> Bool { false }

        func refreshMetrics(from snapshot: HealthSnapshot) async {
            reads.refreshedFrom.withLock { $0 = snapshot.gateway.id }
        }
    }

    /// At 10,000 points a snapshot copies every point's latest reading: a scrape takes one, and the
    /// metrics it refreshes and the verdict gauges it renders come from that same one.
    @Test func aScrapeReadsTheGatewaysStateOnceAndRefreshesTheMetricsFromIt() async throws {
        var fixed = SiteScenario.badDay().snapshot
        fixed.gateway.id = "GW-SCRAPE-1"
        let reads = Reads()
        let app = Application(
            router: StatusRoutes.router(
                reporter: CountingReporter(fixed: fixed, reads: reads),
                registry: sharedRegistry,
                token: nil,
                logger: quietLogger
            )
        )
        try await app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("chemgate_detectors_not_protecting"))
            }
        }
        #expect(reads.snapshots.withLock { $0 } == 1)
        #expect(reads.refreshedFrom.withLock { $0 } == "GW-SCRAPE-1")
    }
}
