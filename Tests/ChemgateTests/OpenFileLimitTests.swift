import Foundation
import TestSupport
import Testing

/// `chemgate run` raises its open-file soft limit to the hard limit at start, and says so.
@Suite("chemgate run: open-file limit")
struct OpenFileLimitTests {
    @Test func theSoftLimitIsRaisedToTheHardLimit() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let site = try RunSite(endpoint: "\(endpoint)")
            let run = try ChildProcess(
                "/bin/bash",
                [
                    "-c", "ulimit -Sn 1024 && ulimit -Hn 4096 && exec \"$0\" run --config \"$1\" --output jsonl",
                    try Tools.chemgate(), site.config,
                ]
            )
            defer { run.signal(SIGKILL) }
            try await site.waitUntilAnswering()
            #expect(try StatusFloodTests.openFileLimit(of: run.pid) == 4096)
            #expect(run.text.contains("open-file limit raised from 1024 to 4096 (the hard limit)"), "\(run.text)")
            run.signal(SIGTERM)
            #expect(try await run.waitForExit() == 0, "\(run.text)")
        }
    }
}
