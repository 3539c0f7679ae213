import AsyncHTTPClient
import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import StatusServer
import TestSupport
import Testing

/// The status endpoint on a real socket, read by a real HTTP client while the poller runs.
@Suite("Status endpoint, live")
struct LiveStatusTests {
    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 8 * 1024 * 1024)
        return (Int(response.status.code), String(buffer: body))
    }

    /// `name{labels} value` lines of the Prometheus text format, summed by name.
    static func metrics(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            let name = String(parts[0].prefix { $0 != "{" })
            values[name, default: 0] += value
        }
        return values
    }

    @Test func statusAndMetricsMoveWhilePolling() async throws {
        let fixture = try StatusFixture(units: [1, 2])
        let port = try Tools.freePort()
        let server = try StatusServer(
            host: "127.0.0.1",
            port: port,
            token: nil,
            reporter: fixture.health,
            registry: sharedRegistry,
            logger: quietLogger
        )
        let serverTask = Task { try await server.run() }
        defer { serverTask.cancel() }
        try await fixture.polling {
            try await fixture.waitForPolls()
            var first: [String: Double] = [:]
            let deadline = ContinuousClock.now + .seconds(10)
            while first.isEmpty && ContinuousClock.now < deadline {
                if let scrape = try? await Self.get("http://127.0.0.1:\(port)/metrics") {
                    first = Self.metrics(scrape.body)
                }
                if first.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            }
            let transactions = try #require(first["chemgate_modbus_transactions_total"])
            #expect(first["chemgate_device_polls_total"] != nil)
            try await Task.sleep(for: .milliseconds(500))
            let second = Self.metrics(try await Self.get("http://127.0.0.1:\(port)/metrics").body)
            #expect((second["chemgate_modbus_transactions_total"] ?? 0) > transactions, "the counters move")

            let status = try await Self.get("http://127.0.0.1:\(port)/status")
            #expect(status.status == 200)
            let json = try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any]
            #expect((json?["gateway"] as? [String: Any])?["id"] as? String == "GW-STATUS")
            #expect((json?["devices"] as? [[String: Any]])?.count == 2)
            #expect(json?["scan_classes"] != nil, "snake_case keys")
        }
    }
}
