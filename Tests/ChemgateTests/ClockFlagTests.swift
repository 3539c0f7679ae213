import AsyncHTTPClient
import Foundation
import NIOCore
import Simulator
import TestSupport
import Testing

/// A reading taken while the gateway's clock is unsynchronised reaches the platform flagged
/// `clock: unsynchronised`, through the log and the uplink, with its quality untouched.
/// (`CHEMGATE_CLOCK_SYNC` replaces the kernel's answer: documented for tests in docs/operations.md.)
@Suite("Clock flags end to end")
struct ClockFlagTests {
    /// The receiver's newest record per point, as JSON objects.
    static func latest(_ rig: GatewayRig) async throws -> [[String: Any]] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: rig.receiverURL + "/latest"),
            timeout: .seconds(5)
        )
        let body = try await response.body.collect(upTo: 1 << 24)
        return try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]] ?? []
    }

    /// Waits until every point of u1 has a newest record satisfying `condition`.
    static func waitForLatest(
        _ rig: GatewayRig,
        _ what: String,
        condition: ([String: Any]) -> Bool
    ) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(10)
        var records: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            records = try await latest(rig).filter { $0["device"] as? String == "u1" }
            if records.count == 6, records.allSatisfy(condition) { return records }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("\(what): the receiver's newest records are \(records)")
    }

    @Test func readingsOfAnUnsynchronisedClockReachTheReceiverFlaggedAndThenNoLonger() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: DeliveryTests.simulatorDevice)
            let unsynchronised = try rig.run(environment: ["CHEMGATE_CLOCK_SYNC": "unsynchronised"])
            let flagged = try await Self.waitForLatest(rig, "flagged unsynchronised") {
                $0["clock"] as? String == "unsynchronised"
            }
            #expect(flagged.contains { $0["quality"] as? String == "good" }, "the quality stays: \(flagged)")
            unsynchronised.signal(SIGTERM)
            #expect(try await unsynchronised.waitForExit() == 0, "\(unsynchronised.text)")

            let synchronised = try rig.run(environment: ["CHEMGATE_CLOCK_SYNC": "synchronised"])
            _ = try await Self.waitForLatest(rig, "newer records without a clock flag") { $0["clock"] == nil }
            synchronised.signal(SIGTERM)
            #expect(try await synchronised.waitForExit() == 0, "\(synchronised.text)")
        }
    }
}
