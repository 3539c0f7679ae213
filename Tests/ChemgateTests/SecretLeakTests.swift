import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// No configured secret (uplink bearer token, HMAC secret, status token) nor a password in the
/// gateway's environment ever shows in its logs (at debug level, through refused requests, a
/// platform refusing the credentials, an outage), in `/status`, `/metrics` or the status page.
@Suite("secrets stay out of logs, /status and /metrics")
struct SecretLeakTests {
    static let secrets = [
        "CHEMGATE_TEST_LEAK_BEARER": "bearer-SECRET-b71c",
        "CHEMGATE_TEST_LEAK_HMAC": "hmac-SECRET-c93d",
        "CHEMGATE_TEST_LEAK_STATUS": "status-SECRET-d55e",
        "CHEMGATE_TEST_LEAK_DB_PASSWORD": "envpassword-SECRET-f28a",
    ]

    @Test func noSecretAppearsAnywhereTheGatewayShowsText() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 600)  // an alarm, so that events flow
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            let directory = try Tools.temporaryDirectory()
            let statusPort = try Tools.freePort()
            // The platform wants another token: every batch is refused with 401.
            let receive = try ChildProcess(
                try Tools.chemgate(),
                [
                    "receive", "--listen", "127.0.0.1:0", "--token-env", "CHEMGATE_TEST_LEAK_PLATFORM", "--database",
                    directory.appendingPathComponent("receiver.sqlite").path,
                ],
                environment: ["CHEMGATE_TEST_LEAK_PLATFORM": "the-platform-wants-this"]
            )
            defer { receive.signal(SIGKILL) }
            let receiver = String(
                try await receive.waitForLine(containing: "listening on http://").split(separator: " ").last!
            )
            let config = directory.appendingPathComponent("site.yaml")
            try """
            gateway: { id: GW-LEAK, enterprise: E }
            devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
            links: [ { id: plc, endpoint: "\(endpoint)", timeout: 200ms } ]
            scan_classes: { fast: 100ms }
            default_scan: fast
            storage: { path: "\(directory.appendingPathComponent("log.sqlite").path)" }
            status: { listen: "127.0.0.1:\(statusPort)", token_env: CHEMGATE_TEST_LEAK_STATUS }
            uplinks:
              - { id: park, url: "\(receiver)", token_env: CHEMGATE_TEST_LEAK_BEARER, hmac_secret_env: CHEMGATE_TEST_LEAK_HMAC, batch_delay: 50ms, heartbeat: 1s, timeout: 1s }
            devices: [ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
            """.write(to: config, atomically: true, encoding: .utf8)
            for format in ["logfmt", "json"] {
                let run = try ChildProcess(
                    try Tools.chemgate(),
                    ["run", "--config", config.path, "--log-level", "debug", "--log-format", format],
                    environment: Self.secrets
                )
                defer { run.signal(SIGKILL) }
                try await RunSite.Port(statusPort).waitUntilAnswering()
                let token = Self.secrets["CHEMGATE_TEST_LEAK_STATUS"]!
                // Refused requests: no token, a wrong one, the right one one character short in the query.
                _ = try await StatusFetch.get(port: statusPort, "/status")
                _ = try await StatusFetch.get(port: statusPort, "/metrics", token: "wrong")
                _ = try await StatusFetch.get(port: statusPort, "/?token=\(token.dropLast())")
                try await run.waitForLine(containing: "uplink down")
                try await run.waitForLine(containing: "status request refused")
                var shown: [String] = [run.text]
                for path in ["/status", "/metrics", "/", "/readyz"] {
                    let (code, body) = try await StatusFetch.get(port: statusPort, path, token: token)
                    #expect(code == 200 || path == "/readyz", "\(path) answered \(code)")
                    shown.append(body)
                }
                shown.append(try await StatusFetch.get(port: statusPort, "/?token=\(token)").body)
                run.signal(SIGTERM)
                #expect(try await run.waitForExit() == 0)
                shown.append(run.text)
                #expect(run.text.contains("chemgate stopped"))
                for (variable, secret) in Self.secrets {
                    for (index, text) in shown.enumerated() where text.contains(secret) {
                        Issue.record("\(format): \(variable)'s value appears in output \(index):\n\(text)")
                    }
                }
            }
        }
    }
}
