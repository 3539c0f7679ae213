import GatewayCore
import Hummingbird
import HummingbirdTesting
import StatusServer
import Synchronization
import TestSupport
import Testing

/// `/readyz`: a probe asked every few seconds, answered from the links and the log without copying
/// every point's latest reading (at 10,000 points, megabytes a probe).
@Suite("Readiness probe")
struct ReadinessProbeTests {
    /// A fixed snapshot that records, for each read, whether the points were asked for, and leaves
    /// them out when they were not (as the gateway's reporter does).
    struct RecordingReporter: HealthReporting {
        final class Reads: Sendable {
            let asked = Mutex<[Bool]>([])
        }

        let fixed: HealthSnapshot
        let reads = Reads()
        var asked: [Bool] { reads.asked.withLock { $0 } }

        func snapshot() async -> HealthSnapshot { await snapshot(points: true) }

        func snapshot(points: Bool) async -> HealthSnapshot {
            reads.asked.withLock { $0.append(points) }
            var snapshot = fixed
            if !points { snapshot.points = [] }
            return snapshot
        }

        func setMaintenance(_ on: Bool, device: String) async -> Bool { false }
    }

    static func probe(_ reporter: RecordingReporter, uri: String = "/readyz") async throws -> (Int, String) {
        let app = Application(
            router: StatusRoutes.router(reporter: reporter, registry: sharedRegistry, token: nil, logger: quietLogger)
        )
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                (Int(response.status.code), String(buffer: response.body))
            }
        }
    }

    @Test func aGatewayWithALinkUpIsReadyAndTheProbeLeavesThePointsOut() async throws {
        let fixed = SiteScenario.badDay().snapshot
        #expect(!fixed.points.isEmpty)
        let reporter = RecordingReporter(fixed: fixed)
        let (status, body) = try await Self.probe(reporter)
        #expect(status == 200 && body == "ready\n")
        #expect(reporter.asked == [false])

        // The status itself carries every point.
        let (statusCode, json) = try await Self.probe(reporter, uri: "/status")
        #expect(statusCode == 200 && json.contains("\"concentration\""))
        #expect(reporter.asked == [false, true])
    }

    @Test func noLinkUpOrALogRefusingReadingsIsNotReadyWithTheReasons() async throws {
        var fixed = SiteScenario.badDay().snapshot
        for index in fixed.links.indices { fixed.links[index].state = "down" }
        fixed.sinkFailing = true
        let (status, body) = try await Self.probe(RecordingReporter(fixed: fixed))
        #expect(status == 503)
        #expect(body == "not ready: no link is up; the log is refusing readings (retrying)\n")
    }
}
