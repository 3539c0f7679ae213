import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// A site file for the reload tests: devices on link `plc` (a simulator), polled every `period`
/// with every poll reported, a status endpoint with a token, the log in a fresh folder. The file
/// is rewritten between reloads.
struct ReloadSite {
    static let token = "reload-test-token"
    static let tokenVariable = "CHEMGATE_RELOAD_TEST_TOKEN"

    let directory: URL
    let endpoint: String
    let statusPort: Int
    let period: Duration

    var config: String { directory.appendingPathComponent("site.yaml").path }
    var logPath: String { directory.appendingPathComponent("log.sqlite").path }
    var statusURL: String { "http://127.0.0.1:\(statusPort)" }

    init(endpoint: String, period: Duration = .milliseconds(200)) throws {
        directory = try Tools.temporaryDirectory()
        self.endpoint = endpoint
        self.period = period
        statusPort = try Tools.freePort()
    }

    /// A device line: `u<unit>` on `plc`, with a high limit on `unit_id` (whose value is the unit).
    static func device(_ unit: Int, high: Double? = nil) -> String {
        let alarms = high.map { ", points: { unit_id: { alarms: { h: \($0) } } }" } ?? ""
        return "  - { id: u\(unit), link: plc, unit: \(unit), map: chemgate/simulator\(alarms) }"
    }

    /// Writes the site file with `devices` (lines from ``device(_:high:)``, or anything else).
    func write(devices: [String]) throws {
        try """
        gateway: { id: GW-RELOAD, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "\(endpoint)", timeout: 300ms } ]
        scan_classes: { fast: \(period / .milliseconds(1))ms }
        default_scan: fast
        polling: { report: every_poll }
        storage: { path: "\(logPath)" }
        status: { listen: "127.0.0.1:\(statusPort)", token_env: \(Self.tokenVariable) }
        devices:
        \(devices.joined(separator: "\n"))
        """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// `chemgate run --output jsonl` on the site, with the status token in its environment.
    func run() throws -> ChildProcess {
        try ChildProcess(
            try Tools.chemgate(),
            ["run", "--config", config, "--output", "jsonl", "--log-level", "notice"],
            environment: [Self.tokenVariable: Self.token]
        )
    }

    /// `chemgate reload` with `arguments`, to completion.
    func reload(_ arguments: [String], environment: [String: String] = [:]) async throws -> (
        status: Int32, output: String
    ) {
        let child = try ChildProcess(try Tools.chemgate(), ["reload"] + arguments, environment: environment)
        let status = try await child.waitForExit(timeout: .seconds(15))
        try await Task.sleep(for: .milliseconds(30))
        return (status, child.text)
    }
}

/// The JSON lines `chemgate run --output jsonl` wrote, parsed.
struct JSONLines {
    let objects: [[String: Any]]

    init(_ text: String) {
        objects = text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{") else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
    }

    /// Readings of one device's point taken by a poll (not the periodic snapshots).
    func polls(device: String, point: String = "unit_id") -> [[String: Any]] {
        objects.filter {
            $0["type"] as? String == "reading" && $0["device"] as? String == device && $0["point"] as? String == point
                && $0["report"] as? String != "snapshot"
        }
    }

    /// Events of a kind, optionally of one device and point.
    func events(_ kind: String, device: String? = nil, point: String? = nil) -> [[String: Any]] {
        objects.filter {
            $0["type"] as? String == "event" && $0["event"] as? String == kind
                && (device == nil || $0["device"] as? String == device)
                && (point == nil || $0["point"] as? String == point)
        }
    }

    /// The longest time between two consecutive polls of a device's point, and where it was.
    func longestGap(device: String, point: String = "unit_id", from: Date? = nil) -> (gap: Duration, at: String) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let times = polls(device: device, point: point).compactMap { ($0["ts"] as? String) }.compactMap { text in
            formatter.date(from: text).map { (text, $0) }
        }.filter { entry in from.map { entry.1 >= $0 } ?? true }
        var longest: (Duration, String) = (.zero, "")
        for (previous, next) in zip(times, times.dropFirst()) {
            let gap = Duration.milliseconds(Int64((next.1.timeIntervalSince(previous.1) * 1000).rounded()))
            if gap > longest.0 { longest = (gap, "\(previous.0) → \(next.0)") }
        }
        return longest
    }
}

extension StatusFetch {
    /// The status and body of `POST http://127.0.0.1:PORT{path}`, with the bearer token when given.
    static func post(port: Int, _ path: String, token: String? = nil) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, String(buffer: body))
    }
}
