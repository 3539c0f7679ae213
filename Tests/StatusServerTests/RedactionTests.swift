import Foundation
import GatewayCore
import Hummingbird
import HummingbirdTesting
import Modbus
import Polling
import StatusServer
import TestSupport
import Testing

/// Credentials in an uplink URL (`https://user:password@host`) never reach the status JSON or
/// the page, whatever put them in the snapshot.
@Suite("Credentials are redacted")
struct RedactionTests {
    @Test(
        arguments: [
            ("https://gw:s3cret@park.example/ingest", "https://***@park.example/ingest"),
            ("http://gw@park.example:8443", "http://***@park.example:8443"),
            ("http://a:b@c@park.example/x?y=1", "http://***@park.example/x?y=1"),
            ("https://park.example/a@b", "https://park.example/a@b"),
            ("https://park.example", "https://park.example"),
            (
                "POST https://u:p@one.example failed; redirected to http://x:y@two.example/b",
                "POST https://***@one.example failed; redirected to http://***@two.example/b"
            ),
            ("mailto:ops@plant.example", "mailto:ops@plant.example"),
            ("", ""),
        ]
    )
    func userinfoIsReplaced(_ text: String, _ expected: String) {
        #expect(Redaction.userinfo(in: text) == expected)
    }

    /// A reporter whose snapshot carries credentials everywhere a URL can appear.
    struct LeakyReporter: HealthReporting {
        let base: HealthSnapshot

        func snapshot() async -> HealthSnapshot {
            var snapshot = base
            var uplink = HealthSnapshot.Uplink(
                id: "park",
                url: "https://placeholder.example",
                state: "retrying",
                lastAcknowledgement: nil,
                lag: 3,
                oldestUnacknowledgedAgeSeconds: nil,
                lastError: nil,
                acknowledged: 0,
                deadLetters: 0
            )
            // Set after the initialiser, as any code could: the routes must redact on their own.
            uplink.url = "https://gw:s3cret@park.example/ingest"
            uplink.lastError = "redirected to https://gw:s3cret@other.example/ingest"
            snapshot.uplinks = [uplink]
            snapshot.problems.append("uplink park (https://gw:s3cret@park.example/ingest) is not delivering")
            snapshot.warnings.append("check https://gw:s3cret@park.example")
            return snapshot
        }

        func setMaintenance(_ on: Bool, device: String) async -> Bool { false }
    }

    @Test func statusJSONAndPageShowNoPassword() async throws {
        let fixture = try StatusFixture(units: [1])
        let reporter = LeakyReporter(base: await fixture.health.snapshot())
        let application = Application(
            router: StatusRoutes.router(reporter: reporter, registry: sharedRegistry, token: nil, logger: quietLogger)
        )
        try await application.test(.router) { client in
            try await client.execute(uri: "/status", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(!text.contains("s3cret"), "\(text)")
                #expect(!text.contains("gw:"), "\(text)")
                #expect(text.contains("https://***@park.example/ingest"), "\(text)")
            }
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(!html.contains("s3cret"))
                #expect(html.contains("park.example/ingest"))
            }
        }
        fixture.server.stop()
    }

    @Test func theSnapshotInitialiserRedactsTheURL() {
        let uplink = HealthSnapshot.Uplink(
            id: "park",
            url: "https://gw:s3cret@park.example",
            state: "ok",
            lastAcknowledgement: nil,
            lag: 0,
            oldestUnacknowledgedAgeSeconds: nil,
            lastError: "cannot connect to https://gw:s3cret@park.example",
            acknowledged: 0,
            deadLetters: 0
        )
        #expect(uplink.url == "https://***@park.example")
        #expect(uplink.lastError == "cannot connect to https://***@park.example")
    }
}
