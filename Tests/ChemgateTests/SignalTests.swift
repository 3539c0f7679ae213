import Foundation
import TestSupport
import Testing

/// Real signals to a running `chemgate run`: SIGHUP (reload; an unchanged file changes nothing) and
/// SIGUSR1 (a status line) never stop it; SIGQUIT stops it cleanly like SIGTERM.
@Suite("chemgate run: signals")
struct SignalTests {
    @Test func sighupAndSigusr1AreLoggedAndPollingGoesOn() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let site = try RunSite(endpoint: "\(endpoint)")
            let run = try site.run()
            defer { run.signal(SIGKILL) }
            try await site.waitUntilAnswering()
            try await run.waitForReadings(after: 0)

            run.signal(SIGHUP)
            try await run.waitForLine(containing: "SIGHUP received: reloading the configuration")
            try await run.waitForLine(containing: "no device or link changed")
            try await run.waitForReadings(after: run.readingLines)
            #expect(run.isRunning, "SIGHUP is never fatal")

            run.signal(SIGUSR1)
            let summary = try await run.waitForLine(containing: "SIGUSR1 received:")
            #expect(summary.contains("links up 1/1"), "\(summary)")
            #expect(summary.contains("devices ok 1/1"), "\(summary)")
            try await run.waitForReadings(after: run.readingLines)
            #expect(try await RunSite.healthz(port: site.statusPort))

            // A burst of both, then a clean stop.
            for _ in 0..<5 {
                run.signal(SIGHUP)
                run.signal(SIGUSR1)
            }
            try await run.waitForReadings(after: run.readingLines)
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")
        }
    }

    @Test func sigquitStopsCleanlyAndKeepsWhatWasRead() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let site = try RunSite(endpoint: "\(endpoint)")
            let run = try site.run(output: "log")
            defer { run.signal(SIGKILL) }
            try await site.waitUntilAnswering()
            try await Task.sleep(for: .milliseconds(500))
            run.signal(SIGQUIT)
            #expect(try await run.waitForExit(timeout: .seconds(5)) == 0, "SIGQUIT stops gracefully: \(run.text)")
            #expect(!run.text.contains("lost"), "\(run.text)")
            let history = try await ChildProcess.run(
                try Tools.chemgate(),
                ["history", "--config", site.config, "--device", "u1", "--point", "unit_id", "--csv"]
            )
            #expect(history.status == 0, "\(history.output)")
            #expect(history.output.contains(",reading,1,"), "what was read is in the log: \(history.output)")
        }
    }
}
