import Foundation
import Modbus
import Simulator
import TestSupport
import Testing

/// Alarm state and run-time maintenance switches survive a restart of `chemgate run`, `kill -9`
/// included: real processes (`chemgate run`, `chemgate receive`), a real simulator, the real log.
@Suite("Alarm state across restarts")
struct AlarmRestartTests {
    static let detector = "[ { id: gd-1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]"

    @Test func anAlarmStillActiveAfterKill9IsNotRaisedAgain() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 300)  // 30 %LEL: level 1 (25)
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: Self.detector)
            let first = try rig.run()
            try await rig.waitForEvents(["alarm_raised concentration level1"])
            first.signal(SIGKILL)
            _ = try await first.waitForExit()

            let before = try await rig.loggedMaximum()
            let second = try rig.run()
            // Polls after the restart: the value is still in alarm.
            try await rig.waitForLogGrowth(beyond: before, by: 5)
            try await Task.sleep(for: .milliseconds(500))
            // The platform saw it once too.
            _ = try await rig.waitUntilReceived(through: try await rig.loggedMaximum())
            second.signal(SIGTERM)
            #expect(try await second.waitForExit() == 0, "\(second.text)")
            let events = try await rig.loggedEvents()
            let raised = events.filter { $0 == "alarm_raised concentration level1" }
            #expect(raised.count == 1, "one alarm_raised across the restart: \(events)")
            #expect(try await rig.receivedEvents().filter { $0.contains("\"alarm_raised\"") }.count == 1)
        }
    }

    @Test func anAlarmThatClearedWhileTheGatewayWasDownIsClearedAtTheFirstPoll() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 300)
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: Self.detector)
            let first = try rig.run()
            try await rig.waitForEvents(["alarm_raised concentration level1"])
            first.signal(SIGKILL)
            _ = try await first.waitForExit()
            simulator.set(.holding, unit: 1, address: 0, to: 100)  // 10 %LEL while the gateway is down

            let second = try rig.run()
            try await rig.waitForEvents(["alarm_raised concentration level1", "alarm_cleared concentration level1"])
            _ = try await rig.waitUntilReceived(through: try await rig.loggedMaximum())
            second.signal(SIGTERM)
            #expect(try await second.waitForExit() == 0, "\(second.text)")
            let alarms = try await rig.loggedEvents().filter { $0.hasPrefix("alarm_") }
            #expect(alarms == ["alarm_raised concentration level1", "alarm_cleared concentration level1"])
            #expect(try await rig.receivedEvents().contains { $0.contains("\"alarm_cleared\"") })
        }
    }

    @Test func maintenanceSwitchedAtRunTimeSurvivesARestartAndIsSentUpstream() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, simulator, _) async throws in
            simulator.set(.holding, unit: 1, address: 0, to: 100)
            simulator.set(.holding, unit: 1, address: 1, to: 0)
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: Self.detector)
            let site = try String(contentsOfFile: rig.config, encoding: .utf8)
            try site.replacingOccurrences(of: "status: { listen: ", with: "status: { token: s3cret, listen: ")
                .write(toFile: rig.config, atomically: true, encoding: .utf8)
            let first = try rig.run()
            try await RunSite.Port(rig.statusPort).waitUntilAnswering()
            let (status, body) = try await Self.post(
                port: rig.statusPort,
                path: "/devices/gd-1/maintenance",
                body: #"{"on": true, "operator": "Wang Wei"}"#
            )
            #expect(status == 200, "\(body)")
            try await rig.waitForEvents(["maintenance_on  "])
            first.signal(SIGKILL)
            _ = try await first.waitForExit()

            let second = try rig.run()
            try await RunSite.Port(rig.statusPort).waitUntilAnswering()
            let state = try await Self.deviceState(port: rig.statusPort, device: "gd-1")
            #expect(state == "maintenance", "still in maintenance after the restart")
            _ = try await rig.waitUntilReceived(through: try await rig.loggedMaximum())
            second.signal(SIGTERM)
            #expect(try await second.waitForExit() == 0, "\(second.text)")
            let switched = try await rig.receivedEvents().filter { $0.contains("\"maintenance_on\"") }
            #expect(switched.count == 1)
            #expect(switched.first?.contains("\"device\":\"gd-1\"") == true, "\(switched)")
            #expect(switched.first?.contains("Wang Wei") == true, "who: \(switched)")
            #expect(switched.first?.contains("127.0.0.1") == true, "from where: \(switched)")
            #expect(switched.first?.contains("\"ts\":") == true, "when: \(switched)")
        }
    }

    /// POSTs with the test token; the status and the body.
    static func post(port: Int, path: String, body: String) async throws -> (Int, String) {
        let (status, output) = try await ChildProcess.run(
            "curl",
            [
                "-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", "-H", "Authorization: Bearer s3cret",
                "-H", "Content-Type: application/json", "--data", body, "http://127.0.0.1:\(port)\(path)",
            ]
        )
        guard status == 0 else { throw TestFailure("curl failed (\(status)): \(output)") }
        let lines = output.split(separator: "\n")
        return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
    }

    /// The device's `state` in `/status`.
    static func deviceState(port: Int, device: String) async throws -> String? {
        let (_, output) = try await ChildProcess.run(
            "curl",
            ["-s", "-H", "Authorization: Bearer s3cret", "http://127.0.0.1:\(port)/status"]
        )
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let devices = json?["devices"] as? [[String: Any]] ?? []
        return devices.first { $0["id"] as? String == device }?["state"] as? String
    }
}

extension GatewayRig {
    /// The log's events, in order, as `kind point level`.
    func loggedEvents() async throws -> [String] {
        // Never let sqlite3 create the file before the gateway does (it would be a foreign file to it).
        guard FileManager.default.fileExists(atPath: logPath) else { return [] }
        let (status, output) = try await ChildProcess.run(
            "sqlite3",
            [
                "-readonly", "-cmd", ".timeout 3000", logPath,
                """
                SELECT event_kind || ' ' || ifnull(point, '') || ' ' || ifnull(alarm_level, '')
                FROM record WHERE lane = 'event' ORDER BY sequence
                """,
            ]
        )
        if status != 0, output.contains("no such table") { return [] }  // being created
        guard status == 0 else { throw TestFailure("sqlite3 failed (\(status)): \(output)") }
        return output.split(separator: "\n").map(String.init)
    }

    /// Waits until the log's events include every one of `expected` (as many times as listed).
    func waitForEvents(_ expected: [String], timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        var events: [String] = []
        while ContinuousClock.now < deadline {
            events = try await loggedEvents()
            var remaining = events
            let found = expected.allSatisfy { wanted in
                guard let index = remaining.firstIndex(where: { $0.hasPrefix(wanted) }) else { return false }
                remaining.remove(at: index)
                return true
            }
            if found { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("the log does not hold \(expected) within \(timeout): \(events)")
    }

    /// Waits until the log holds `count` more records than `baseline`.
    func waitForLogGrowth(beyond baseline: Int, by count: Int, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await loggedMaximum() < baseline + count {
            guard ContinuousClock.now < deadline else { throw TestFailure("the log did not grow within \(timeout)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The events the receiver stored, as their JSON.
    func receivedEvents() async throws -> [String] {
        let (status, output) = try await ChildProcess.run(
            "sqlite3",
            [
                "-readonly", "-cmd", ".timeout 3000", directory.appendingPathComponent("receiver.sqlite").path,
                "SELECT content FROM events ORDER BY seq",
            ]
        )
        guard status == 0 else { throw TestFailure("sqlite3 failed (\(status)): \(output)") }
        return output.split(separator: "\n").map(String.init)
    }
}
