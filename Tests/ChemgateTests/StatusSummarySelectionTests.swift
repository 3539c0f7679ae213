import GatewayCore
import TestSupport
import Testing

@testable import chemgate

/// The SIGUSR1 line names no point, so it reads only the points the verdict reads — and still
/// counts a calibrating and a faulty detector as not protecting, as `/status` does.
@Suite("SIGUSR1 summary: the points it reads")
struct StatusSummarySelectionTests {
    static func point(_ device: String, quality: String, reason: String?) -> HealthSnapshot.Point {
        HealthSnapshot.Point(
            device: device,
            point: "concentration",
            name: nil,
            indicator: nil,
            value: .number(3),
            unit: "%LEL",
            quality: quality,
            reason: reason,
            ts: "2026-12-07T13:00:00.000Z"
        )
    }

    static func device(_ id: String) -> HealthSnapshot.Device {
        HealthSnapshot.Device(
            id: id,
            name: nil,
            location: nil,
            link: "plc",
            unit: 1,
            state: "ok",
            lastGoodRead: "2026-12-07T13:00:00.000Z",
            polls: 10,
            answered: 10,
            successRatio: 1
        )
    }

    /// Three detectors answering: one measuring, one calibrating, one whose sensor is faulty.
    static func site() -> HealthSnapshot {
        HealthSnapshot(
            gateway: .init(
                id: "GW-S",
                enterprise: "E",
                name: nil,
                version: "test",
                configHash: "h",
                startedAt: "2026-12-07T12:59:00Z",
                uptimeSeconds: 60
            ),
            clock: .init(synchronized: true, offsetMs: nil),
            healthy: true,
            problems: [],
            warnings: [],
            links: [],
            devices: ["gd-1", "gd-2", "gd-3"].map(device),
            scanClasses: [],
            points: [
                point("gd-1", quality: "good", reason: nil),
                point("gd-2", quality: "uncertain", reason: "inhibited"),
                point("gd-3", quality: "bad", reason: "sensor_fault"),
            ],
            alarms: [],
            outbox: nil,
            sinkFailures: 0
        )
    }

    @Test func theSummaryReadsThePointsWithAReasonAndCountsEveryDetectorNotProtecting() async {
        let reporter = SelectionRecordingReporter(fixed: Self.site())
        let line = await StatusSummary.line(from: reporter)
        #expect(reporter.asked == [.withReason])
        #expect(line.contains("not protecting 2"), "\(line)")
        #expect(line.contains("devices ok 3/3"), "\(line)")
        #expect(line == StatusSummary.line(Self.site()), "the same line as from every point")
    }
}
