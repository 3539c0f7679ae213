import Foundation
import TestSupport
import Testing

/// Hot reload with real processes (issue #18 item 3): SIGHUP (`kill -HUP`) and `chemgate reload`
/// through the status endpoint add a device, remove one, change a limit and refuse an invalid file,
/// while a third device, unchanged, keeps its scan going (no gap over 1.5 periods between its polls)
/// and keeps its alarm state.
@Suite("chemgate run: configuration reload")
struct ReloadTests {
    @Test func sighupAddsRemovesAndChangesDevicesWhileAnUnchangedOneKeepsPolling() async throws {
        try await withTCPSimulator(units: [1, 2, 3, 4]) { (endpoint, _, _) async throws in
            let site = try ReloadSite(endpoint: "\(endpoint)")
            // u3's unit_id (3) is over its high limit 2: in alarm from the start, and it must stay so,
            // raised once, through every reload. u1's (1) is under 100.
            try site.write(devices: [
                ReloadSite.device(1, high: 100), ReloadSite.device(2), ReloadSite.device(3, high: 2),
            ])
            let run = try site.run()
            defer { run.signal(SIGKILL) }
            try await waitUntil("u3 raises on unit_id", run) {
                !JSONLines($0).events("alarm_raised", device: "u3", point: "unit_id").isEmpty
            }
            let started = Date()

            // Add u4.
            try site.write(devices: [
                ReloadSite.device(1, high: 100), ReloadSite.device(2), ReloadSite.device(3, high: 2),
                ReloadSite.device(4),
            ])
            try await sighupKeepingTheLink(run, port: site.statusPort)
            try await run.waitForLine(containing: "devices added: u4")
            try await waitUntil("u4 is polled", run) { !JSONLines($0).polls(device: "u4").isEmpty }
            // A run-time maintenance switch on u4, which the next reloads leave unchanged.
            let switched = try await StatusFetch.post(
                port: site.statusPort,
                "/devices/u4/maintenance?on=true&by=test",
                token: ReloadSite.token
            )
            #expect(switched.status == 200, "\(switched.body)")

            // Remove u2: it is polled no more.
            try site.write(devices: [
                ReloadSite.device(1, high: 100), ReloadSite.device(3, high: 2), ReloadSite.device(4),
            ])
            try await sighupKeepingTheLink(run, port: site.statusPort)
            try await run.waitForLine(containing: "devices removed: u2")
            try await Task.sleep(for: .milliseconds(400))
            let u2Polls = JSONLines(run.text).polls(device: "u2").count
            try await Task.sleep(for: .milliseconds(800))
            #expect(JSONLines(run.text).polls(device: "u2").count == u2Polls, "a removed device is not polled")

            // Lower u1's limit under its value: evaluated again at its next poll, it raises.
            try site.write(devices: [
                ReloadSite.device(1, high: 0.5), ReloadSite.device(3, high: 2), ReloadSite.device(4),
            ])
            try await sighupKeepingTheLink(run, port: site.statusPort)
            try await run.waitForLine(containing: "devices changed: u1")
            try await waitUntil("u1 raises under its new limit", run) {
                !JSONLines($0).events("alarm_raised", device: "u1", point: "unit_id").isEmpty
            }
            try await Task.sleep(for: .milliseconds(600))

            let lines = JSONLines(run.text)
            let reloads = lines.events("config_reloaded")
            #expect(reloads.count == 3, "one config_reloaded event per reload: \(reloads)")
            #expect((reloads.first?["reason"] as? String)?.contains("devices added: u4") == true, "\(reloads)")
            #expect(
                lines.events("alarm_raised", device: "u3", point: "unit_id").count == 1,
                "u3's alarm survives: raised once"
            )
            #expect(
                lines.events("alarm_cleared", device: "u3", point: "unit_id").isEmpty,
                "u3's alarm is not cleared by a reload"
            )
            let gap = lines.longestGap(device: "u3", from: started)
            #expect(
                gap.gap <= site.period * 1.5,
                "u3 misses no scan across the reloads: longest gap \(gap.gap) at \(gap.at)"
            )
            #expect(lines.polls(device: "u3", point: "unit_id").count >= 10)
            #expect(run.isRunning, "SIGHUP is never fatal")
            let status = try await StatusFetch.status(port: site.statusPort, token: ReloadSite.token)
            let states = (status["devices"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
                $0[$1["id"] as? String ?? ""] = $1["state"] as? String
            }
            #expect(states["u4"] == "maintenance", "u4's maintenance switch survives the reloads: \(states)")
            #expect(states["u2"] == nil, "u2 is gone from the status: \(states)")

            // SIGHUP while stopping does not kill it either: the stop is clean.
            run.signal(SIGTERM)
            run.signal(SIGHUP)
            run.signal(SIGHUP)
            #expect(try await run.waitForExit() == 0, "\(run.text.suffix(2000))")
        }
    }

    @Test func chemgateReloadNeedsTheTokenAndAnInvalidFileKeepsTheRunningConfiguration() async throws {
        try await withTCPSimulator(units: [1, 2, 3, 4]) { (endpoint, _, _) async throws in
            let site = try ReloadSite(endpoint: "\(endpoint)")
            let devices = [ReloadSite.device(1), ReloadSite.device(2), ReloadSite.device(3)]
            try site.write(devices: devices)
            let run = try site.run()
            defer { run.signal(SIGKILL) }
            try await RunSite.Port(site.statusPort).waitUntilAnswering()
            try await run.waitForReadings(after: 0)
            let started = Date()
            let initial = try await StatusFetch.status(port: site.statusPort, token: ReloadSite.token)
            let initialHash = (initial["gateway"] as? [String: Any])?["config_hash"] as? String

            // No token: refused (401), nothing reloaded.
            let anonymous = try await site.reload(["--url", site.statusURL, "--config", site.config + ".none"])
            #expect(anonymous.status == 3, "\(anonymous.output)")
            #expect(anonymous.output.contains("401"), "\(anonymous.output)")

            // An invalid file (a device on a link that does not exist, line 12): refused with file:line:column.
            try site.write(devices: devices + ["  - { id: u4, link: nowhere, unit: 4, map: chemgate/simulator }"])
            let local = try await site.reload(
                ["--config", site.config],
                environment: [ReloadSite.tokenVariable: ReloadSite.token]
            )
            #expect(local.status == 1, "the CLI shows the errors and does not ask: \(local.output)")
            #expect(local.output.contains("site.yaml:13:"), "\(local.output)")
            let refused = try await site.reload([
                "--config", site.config, "--url", site.statusURL, "--token", ReloadSite.token,
            ])
            #expect(refused.status == 1, "\(refused.output)")
            #expect(refused.output.contains("not reloaded"), "\(refused.output)")
            #expect(refused.output.contains("site.yaml:13:"), "the gateway's errors name the line: \(refused.output)")
            try await run.waitForLine(containing: "configuration not reloaded: the running configuration stays")
            let (code, body) = try await StatusFetch.get(port: site.statusPort, "/status", token: ReloadSite.token)
            #expect(code == 200)
            #expect(body.contains("the configuration reload was refused"), "a problem in /status: \(body.prefix(3000))")
            #expect(body.contains("site.yaml:13:"), "\(body.prefix(3000))")
            try await run.waitForReadings(after: run.readingLines)

            // The raw endpoint: 422 with the errors.
            let raw = try await StatusFetch.post(port: site.statusPort, "/reload", token: ReloadSite.token)
            #expect(raw.status == 422, "\(raw.body)")
            #expect(raw.body.contains("\"applied\":false"), "\(raw.body)")

            // Fixed (u4 on plc): reloaded through the CLI, endpoint and token from the site file.
            try site.write(devices: devices + [ReloadSite.device(4)])
            let fixed = try await site.reload(
                ["--config", site.config],
                environment: [ReloadSite.tokenVariable: ReloadSite.token]
            )
            #expect(fixed.status == 0, "\(fixed.output)")
            #expect(fixed.output.contains("devices added: u4"), "\(fixed.output)")
            try await waitUntil("u4 is polled", run) { !JSONLines($0).polls(device: "u4").isEmpty }
            let after = try await StatusFetch.status(port: site.statusPort, token: ReloadSite.token)
            let gateway = after["gateway"] as? [String: Any]
            #expect(gateway?["config_hash"] as? String != initialHash, "the status shows the new configuration's hash")
            #expect(gateway?["config_loaded_at"] as? String != nil)
            let problems = after["problems"] as? [String] ?? []
            #expect(!problems.contains { $0.contains("reload was refused") }, "the problem clears: \(problems)")
            let devicesShown = (after["devices"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(devicesShown.contains("u4"), "\(devicesShown)")

            let gap = JSONLines(run.text).longestGap(device: "u3", from: started)
            #expect(gap.gap <= site.period * 1.5, "u3 misses no scan: longest gap \(gap.gap) at \(gap.at)")
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text.suffix(2000))")
        }
    }

    @Test func aRemovedDevicesPendingRecordsStillUpload() async throws {
        try await withTCPSimulator(units: [1, 2]) { (endpoint, _, _) async throws in
            let both =
                "[ { id: u1, link: plc, unit: 1, map: chemgate/simulator }, { id: u2, link: plc, unit: 2, map: chemgate/simulator } ]"
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: both)
            // The platform is away: u2's readings wait in the log when it is removed.
            try await rig.control("/control/unavailable?seconds=5&retry_after=1")
            let run = try rig.run()
            defer { run.signal(SIGKILL) }
            try await RunSite.Port(rig.statusPort).waitUntilAnswering()
            try await Task.sleep(for: .seconds(1))
            let text = try String(contentsOfFile: rig.config, encoding: .utf8)
            try text.replacingOccurrences(of: both, with: "[ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]")
                .write(toFile: rig.config, atomically: true, encoding: .utf8)
            run.signal(SIGHUP)
            try await run.waitForLine(containing: "devices removed: u2")
            let removedAt = try await rig.loggedMaximum()
            #expect(try await rig.counts().records < removedAt, "records were pending when u2 was removed")
            let counts = try await rig.waitUntilReceived(through: removedAt + 5, timeout: .seconds(15))
            #expect(counts.gaps == 0, "every record logged before and after the reload arrived")
            #expect(try await rig.latest().contains("u2.unit_id"), "u2's pending readings were uploaded")
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text.suffix(2000))")
        }
    }

    /// Sends SIGHUP and checks that link `plc` was not restarted by the reload: its counters (which a
    /// restarted link would begin again from zero) go on rising.
    private func sighupKeepingTheLink(_ run: ChildProcess, port: Int) async throws {
        let before = try await Self.link(port: port)
        let reloads = run.text.components(separatedBy: "configuration reloaded (").count
        run.signal(SIGHUP)
        try await waitUntil("the reload", run) {
            $0.components(separatedBy: "configuration reloaded (").count > reloads
        }
        try await Task.sleep(for: .milliseconds(300))
        let after = try await Self.link(port: port)
        #expect(after.transactions > before.transactions, "link plc goes on: \(before) → \(after)")
        #expect(after.reconnects == before.reconnects, "link plc keeps its connection: \(before) → \(after)")
    }

    /// Link `plc`'s transaction and reconnection counts from `/status`.
    private static func link(port: Int) async throws -> (transactions: Int, reconnects: Int) {
        let status = try await StatusFetch.status(port: port, token: ReloadSite.token)
        let link = (status["links"] as? [[String: Any]])?.first { $0["id"] as? String == "plc" }
        return (link?["transactions"] as? Int ?? -1, link?["reconnects"] as? Int ?? -1)
    }

    private func waitUntil(
        _ what: String,
        _ run: ChildProcess,
        timeout: Duration = .seconds(5),
        _ condition: (String) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(run.text) {
            guard ContinuousClock.now < deadline else {
                throw TestFailure("not within \(timeout): \(what); output:\n\(run.text.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
