import Foundation
import TestSupport

/// A site file for `chemgate run` tests: one link to `endpoint` with the simulator's units, a
/// status endpoint on a free port, the log in a fresh folder.
struct RunSite {
    let directory: URL
    let statusPort: Int

    var config: String { directory.appendingPathComponent("site.yaml").path }
    var logPath: String { directory.appendingPathComponent("log.sqlite").path }

    init(endpoint: String, units: [UInt8] = [1], statusPort: Int? = nil) throws {
        directory = try Tools.temporaryDirectory()
        self.statusPort = try statusPort ?? Tools.freePort()
        let devices = units.map { "  - { id: u\($0), link: plc, unit: \($0), map: chemgate/simulator }" }
        try """
        gateway: { id: GW-SIG, enterprise: E }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "\(endpoint)", timeout: 200ms } ]
        scan_classes: { fast: 100ms }
        default_scan: fast
        storage: { path: "\(logPath)" }
        status: { listen: "127.0.0.1:\(self.statusPort)" }
        devices:
        \(devices.joined(separator: "\n"))
        """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// `chemgate run` on the site; `output` jsonl writes readings to standard output.
    func run(
        output: String = "jsonl",
        logLevel: String = "notice",
        environment: [String: String] = [:]
    ) throws -> ChildProcess {
        try ChildProcess(
            try Tools.chemgate(),
            ["run", "--config", config, "--output", output, "--log-level", logLevel],
            environment: environment
        )
    }

    /// Waits until the status endpoint answers /healthz (the gateway has started).
    func waitUntilAnswering(timeout: Duration = .seconds(10)) async throws {
        try await Port(statusPort).waitUntilAnswering(timeout: timeout)
    }

    /// A status endpoint's port.
    struct Port {
        let number: Int

        init(_ number: Int) { self.number = number }

        /// Waits until /healthz answers 200.
        func waitUntilAnswering(timeout: Duration = .seconds(10)) async throws {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if try await RunSite.healthz(port: number) { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw TestFailure("the status endpoint on port \(number) does not answer within \(timeout)")
        }
    }

    /// Whether GET /healthz answers 200 within `timeout` on a fresh connection.
    static func healthz(port: Int, timeout: Duration = .seconds(1)) async throws -> Bool {
        guard let connection = try? RawConnection(port: port) else { return false }
        let deadline = ContinuousClock.now + timeout
        var sent = false
        while ContinuousClock.now < deadline {
            if !sent, connection.isConnected {
                sent = connection.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            }
            if sent, let answer = connection.received() { return answer.hasPrefix("HTTP/1.1 200") }
            if connection.isClosedByPeer { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

extension ChildProcess {
    /// How many readings the process has written as JSON lines so far.
    var readingLines: Int { text.components(separatedBy: "\"type\":\"reading\"").count - 1 }

    /// Waits until `count` more readings than `baseline` were written.
    func waitForReadings(after baseline: Int, count: Int = 3, timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now + timeout
        while readingLines < baseline + count {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("no new readings within \(timeout) (\(readingLines - baseline)); output:\n\(text)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
