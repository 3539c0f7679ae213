import Foundation
import TestSupport
import Testing

/// `chemgate-bench <scenario> --quick` for every scenario, as `make test` runs it: each exits 0 and
/// prints figure lines of the expected shape (scenario, a figure with its unit, a target with PASS or
/// MISS). Nothing about speed is asserted: figures of a debug build on a shared machine mean nothing.
///
/// chemgate-bench is built next to chemgate by `swift build --build-tests` (make test does).
@Suite("chemgate-bench smoke run (--quick)", .serialized)
struct BenchSmokeTests {
    struct Run: Sendable, CustomTestStringConvertible {
        /// What the scenario's figure lines start with.
        var scenario: String
        var arguments: [String]
        /// Labels some figure line must hold (the floors of the stack and of the log, where they are measured).
        var labels: [String] = []
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let runs: [Run] = [
        Run(scenario: "planner", arguments: ["planner", "--quick"]),
        Run(scenario: "link", arguments: ["link", "--quick", "--seconds", "1", "--rounds", "1"]),
        Run(scenario: "rtu", arguments: ["rtu", "--quick", "--seconds", "0.5", "--baud", "19200"]),
        Run(scenario: "log", arguments: ["log", "--quick", "--seconds", "1", "--queued", "5000"]),
        Run(scenario: "drain", arguments: ["drain", "--quick", "--queued", "5000"]),
        Run(
            scenario: "memory",
            arguments: ["memory", "--quick", "--settle", "1", "--seconds", "1"],
            labels: ["stack floor peak RSS"]
        ),
        Run(scenario: "profile", arguments: ["profile", "--quick", "--seconds", "1"]),
        Run(scenario: "mqtt", arguments: ["mqtt", "--quick", "--seconds", "1"]),
        Run(
            scenario: "scale",
            arguments: ["scale", "--quick", "--config", "10x50@1s", "--seconds", "1", "--warmup", "1"]
        ),
        Run(
            scenario: "scale",
            arguments: [
                "scale", "--quick", "--config", "10x50@1s", "--seconds", "1", "--warmup", "1", "--receiver", "counting",
            ],
            labels: ["stack floor CPU"]
        ),
        Run(
            scenario: "scale",
            arguments: [
                "scale", "--quick", "--config", "10x50@1s", "--seconds", "1", "--warmup", "1", "--receiver",
                "counting", "--change-fraction", "0.1", "--snapshot", "60s",
            ]
        ),
        Run(
            scenario: "scale",
            arguments: ["scale", "--quick", "--config", "20x100@1s", "--seconds", "1", "--warmup", "1"],
            labels: ["log floor CPU"]
        ),
        Run(
            scenario: "soak",
            arguments: ["soak", "--quick", "--minutes", "0.1"],
            labels: [
                "gateway CPU after warm-up", "RSS anonymous slope after warm-up", "SQLite's memory slope after warm-up",
                "heap in use outside SQLite slope after warm-up", "RSS file-backed slope after warm-up",
                "RSS medians by",
            ]
        ),
    ]

    @Test("exits 0 and prints figures with targets", arguments: runs)
    func scenarioRuns(_ run: Run) async throws {
        let bench = try Self.benchPath()
        let child = try ChildProcess(bench, run.arguments)
        let status: Int32
        do {
            status = try await child.waitForExit(timeout: .seconds(60))
        } catch {
            child.signal(SIGKILL)
            Issue.record("chemgate-bench \(run.testDescription) still running after 60 s:\n\(child.text)")
            return
        }
        try await Task.sleep(for: .milliseconds(50))  // the last output
        let output = child.text
        #expect(status == 0, "chemgate-bench \(run.testDescription) exited \(status):\n\(output)")
        let figures = output.split(separator: "\n").filter { $0.hasPrefix(run.scenario + " ") }
        #expect(!figures.isEmpty, "no line starts with '\(run.scenario) ':\n\(output)")
        // scenario  label VALUE unit  [reference VALUE unit  ratio R]  [target REL BOUND  PASS|MISS]  [(note)]
        for line in figures {
            let parts = line.components(separatedBy: "  ")
            #expect(parts.count >= 2, "not a figure line: \(line)")
            let figure = parts.count > 1 ? parts[1].split(separator: " ") : []
            let number = figure.first { Double($0) != nil || $0 == "inf" }
            #expect(number != nil, "no figure in: \(line)")
        }
        let judged = figures.filter { line in
            line.contains("  target ") && (line.contains("  PASS") || line.contains("  MISS"))
        }
        #expect(!judged.isEmpty, "no figure with a target and PASS/MISS:\n\(output)")
        for label in run.labels {
            #expect(figures.contains { $0.contains("  \(label) ") }, "no '\(label)' figure:\n\(output)")
        }
    }

    /// `chemgate-bench`, built next to `chemgate`.
    static func benchPath() throws -> String {
        let chemgate = URL(fileURLWithPath: try Tools.chemgate())
        let bench = chemgate.deletingLastPathComponent().appendingPathComponent("chemgate-bench").path
        guard FileManager.default.isExecutableFile(atPath: bench) else {
            throw TestFailure("\(bench) is missing: run 'swift build --build-tests' first (make test does)")
        }
        return bench
    }
}
