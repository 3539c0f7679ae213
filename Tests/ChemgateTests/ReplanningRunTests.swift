import Foundation
import TestSupport
import Testing

/// Run-time re-planning with real processes: `chemgate simulate --max-registers 2` refuses the
/// simulator map's 5-register read with exception 03; `chemgate run` learns the limit, logs it once
/// with the map line to fix, shows it in `/status`, and keeps every value good.
@Suite("Re-planning in chemgate run")
struct ReplanningRunTests {
    @Test func theLimitIsLearnedLoggedOnceAndShownInTheStatus() async throws {
        let (simulator, url) = try await CommandLineTests.startSimulator(["--units", "1", "--max-registers", "2"])
        let site = try RunSite(endpoint: url)
        let run = try site.run(logLevel: "warning")
        defer { run.signal(SIGTERM) }
        try await site.waitUntilAnswering()
        let deadline = ContinuousClock.now + .seconds(10)
        var learned: [[String: Any]] = []
        while learned.isEmpty, ContinuousClock.now < deadline {
            let devices = try await StatusFetch.status(port: site.statusPort)["devices"] as? [[String: Any]] ?? []
            learned = devices.first?["learned"] as? [[String: Any]] ?? []
            if learned.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(learned.first?["kind"] as? String == "max_registers", "\(learned)")
        #expect(learned.first?["limit"] as? Int == 2)
        let map = Tools.repositoryRoot.appendingPathComponent("Devices/chemgate/simulator.yaml").path
        let hint = "refuses reads over 2 registers (exception 02/03): set max_registers: 2 in \(map):14"
        #expect((learned.first?["hint"] as? String)?.hasPrefix(hint) == true, "\(learned)")
        try await run.waitForReadings(after: run.readingLines, count: 10)
        #expect(run.text.components(separatedBy: "device u1 \(hint)").count == 2, "logged once:\n\(run.text)")
        #expect(!run.text.contains("\"quality\":\"bad\""), "every value good:\n\(run.text)")
        withExtendedLifetime(simulator) {}
    }
}
