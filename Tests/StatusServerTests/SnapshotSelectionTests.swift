import GatewayCore
import Hummingbird
import HummingbirdTesting
import Prometheus
import StatusServer
import TestSupport
import Testing

/// What each route reads of the gateway: at 10,000 points a snapshot of every point's latest reading
/// is megabytes of text, so `/readyz` (a probe asked every few seconds) reads none and `/metrics`
/// only those the verdict reads — and still shows every detector that is not protecting.
@Suite("Snapshot selection by route")
struct SnapshotSelectionTests {
    static func get(_ uri: String, from reporter: SelectionRecordingReporter) async throws -> (Int, String) {
        let app = Application(
            router: StatusRoutes.router(
                reporter: reporter,
                registry: PrometheusCollectorRegistry(),
                token: nil,
                logger: quietLogger
            )
        )
        return try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                (Int(response.status.code), String(buffer: response.body))
            }
        }
    }

    @Test func aGatewayWithALinkUpIsReadyAndTheProbeReadsNoPoint() async throws {
        let reporter = SelectionRecordingReporter(fixed: SiteScenario.badDay().snapshot)
        let (status, body) = try await Self.get("/readyz", from: reporter)
        #expect(status == 200 && body == "ready\n")
        #expect(reporter.asked == [.none])

        let (statusCode, json) = try await Self.get("/status", from: reporter)
        #expect(statusCode == 200 && json.contains("\"concentration\""))
        #expect(reporter.asked == [.none, .all])
    }

    @Test func noLinkUpOrALogRefusingReadingsIsNotReadyWithTheReasons() async throws {
        var fixed = SiteScenario.badDay().snapshot
        for index in fixed.links.indices { fixed.links[index].state = "down" }
        fixed.sinkFailing = true
        let (status, body) = try await Self.get("/readyz", from: SelectionRecordingReporter(fixed: fixed))
        #expect(status == 503)
        #expect(body == "not ready: no link is up; the log is refusing readings (retrying)\n")
    }

    /// The bad day (a fault, a calibration, a dead detector, alarms): `/metrics` reads only the points
    /// whose quality gives a reason, and its verdict gauges say what the whole snapshot's verdict says.
    @Test func metricsReadOnlyThePointsWithAReasonAndShowTheWholeVerdict() async throws {
        let fixed = SiteScenario.badDay().snapshot
        let selected = fixed.selecting(.withReason)
        #expect(selected.points.count < fixed.points.count && !selected.points.isEmpty)
        let verdict = SiteVerdict(snapshot: fixed)
        #expect(SiteVerdict(snapshot: selected) == verdict)
        #expect(verdict.notProtecting.count >= 3, "the scenario has detectors not protecting")

        let reporter = SelectionRecordingReporter(fixed: fixed)
        let (status, text) = try await Self.get("/metrics", from: reporter)
        #expect(status == 200)
        #expect(reporter.asked == [.withReason])
        for reason in SiteVerdict.Exclusion.allCases {
            let expected = verdict.notProtecting.filter { $0.reason == reason }.count
            let series = "chemgate_detectors_not_protecting{reason=\"\(reason.rawValue)\"}"
            #expect(Self.value(of: series, in: text) == Double(expected), "\(series) in the scrape")
        }
        #expect(Self.value(of: "chemgate_alarms_active{level=\"level2\"}", in: text) == Double(verdict.alarmsLevel2))
    }

    /// The value of one series in a Prometheus text scrape.
    static func value(of series: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
