import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// Issue #20 item 6: a backlog older than `backlog_max_age` is a problem in `/status`, with its figures,
/// and stops being one once the platform has caught up.
@Suite("Backlog health in /status")
struct BacklogStatusTests {
    static func status(port: Int) async throws -> String {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/status"),
            timeout: .seconds(5)
        )
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }

    static func waitFor(_ timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func anOldBacklogIsAProblemUntilItIsDelivered() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await GatewayRig.start(
                endpoint: "\(endpoint)",
                devices: DeliveryTests.simulatorDevice,
                uplink: ", backlog_max_age: 5s"
            )
            try await rig.control("/control/unavailable?seconds=60&retry_after=1")
            let run = try rig.run()
            defer { run.signal(SIGKILL) }
            var text = ""
            let behind = try await Self.waitFor(.seconds(12)) {
                text = try await Self.status(port: rig.statusPort)
                return text.contains("uplink park is behind")
            }
            #expect(behind, "\(text)")
            #expect(text.contains("records waiting, the oldest"), "\(text)")
            #expect(text.contains("backlog_max_age 5 s"), "\(text)")
            try await rig.control("/control/unavailable?seconds=0")
            let caughtUp = try await Self.waitFor(.seconds(6)) {
                !(try await Self.status(port: rig.statusPort)).contains("is behind")
            }
            #expect(caughtUp)
        }
    }
}
