import GatewayCore
import Testing

@testable import chemgate

/// What `chemgate status` prints and SIGUSR1 logs carries no password, even when the snapshot it
/// reads (from an older gateway, say) does.
@Suite("chemgate status and SIGUSR1: credentials redacted")
struct StatusTextRedactionTests {
    static func leakySnapshot() -> HealthSnapshot {
        var snapshot = HealthSnapshot(
            gateway: .init(
                id: "GW-R",
                enterprise: "E",
                name: nil,
                version: "test",
                configHash: "h",
                startedAt: "2026-12-03T00:00:00Z",
                uptimeSeconds: 5
            ),
            clock: .init(synchronized: true, offsetMs: nil),
            healthy: false,
            problems: ["uplink park is not delivering: redirected to https://gw:s3cret@other.example/x"],
            warnings: ["https://gw:s3cret@park.example answers slowly"],
            links: [],
            devices: [],
            scanClasses: [],
            points: [],
            alarms: [],
            outbox: .init(depth: 3, bytes: 4096, oldestUnacknowledgedAgeSeconds: 2, drops: [:], deadLetters: 0),
            sinkFailures: 0
        )
        var uplink = HealthSnapshot.Uplink(
            id: "park",
            url: "https://placeholder.example",
            state: "retrying",
            lastAcknowledgement: nil,
            lag: 3,
            oldestUnacknowledgedAgeSeconds: 2,
            lastError: nil,
            acknowledged: 0,
            deadLetters: 0
        )
        // As decoded from JSON: the initialiser's redaction does not run.
        uplink.url = "https://gw:s3cret@park.example"
        uplink.lastError = "cannot connect to https://gw:s3cret@park.example"
        snapshot.uplinks = [uplink]
        return snapshot
    }

    @Test func statusTablesShowNoPassword() {
        let text = StatusReport(snapshot: Self.leakySnapshot()).text
        #expect(!text.contains("s3cret"), "\(text)")
        #expect(text.contains("https://***@"), "\(text)")
    }

    @Test func theSigusr1SummaryShowsNoPassword() {
        let line = StatusSummary.line(Self.leakySnapshot())
        #expect(!line.contains("s3cret"), "\(line)")
        #expect(line.contains("Monitoring degraded"), "\(line)")
        #expect(line.contains("uplink park retrying (3 waiting)"), "\(line)")
    }
}
