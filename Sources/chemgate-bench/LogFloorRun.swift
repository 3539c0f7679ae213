import Foundation
import TestSupport

/// `log-floor-reference` as a child process (Sources/log-floor-reference): the log's work for the
/// values `scale` polls, done by SQLite and zlib in C and nothing else. Each second it stores the
/// readings in fsync'd transactions of about 1,000 (`DeliveryWriter.gatherRecords`; the gateway's
/// own stores are often larger, so the floor commits more often than it) into a table with the
/// schema of the log's head, and
/// sends each store as the HTTP uplink does, less the network: the batch frozen, its rows read back
/// on a second connection, written as the uplink's JSON records, gzipped at level 1, and
/// acknowledged. What the gateway spends beyond it is polling, processing and the gateway's own code
/// around the same SQLite work (BENCHMARKS.md, round 24).
struct LogFloorRun {
    /// CPU over the paced seconds, cores.
    var core: Double
    /// Readings stored, sent and acknowledged per second.
    var rowsPerSecond: Double

    /// Runs the floor for `devices` × `points` readings a second over `seconds` whole seconds, in a
    /// fresh database.
    static func measure(devices: Int, points: Int, seconds: Int) async throws -> LogFloorRun {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let stores = max(1, devices * points / 1_000)
        let child = try ChildProcess(
            try Binaries.path("log-floor-reference"),
            [
                directory.appendingPathComponent("floor.sqlite").path, String(devices), String(points), String(seconds),
                String(stores),
            ]
        )
        let status: Int32
        do {
            status = try await child.waitForExit(timeout: .seconds(seconds + 30))
        } catch {
            child.signal(SIGKILL)
            throw BenchFailure("log-floor-reference still running after \(seconds + 30) s:\n\(child.text)")
        }
        try await Task.sleep(for: .milliseconds(50))  // the last output
        let words = child.text.split(whereSeparator: \.isWhitespace)
        // "rows N seconds S cpu C"
        guard status == 0, words.count >= 6, words[0] == "rows", let rows = Double(words[1]),
            let elapsed = Double(words[3]), let cpu = Double(words[5]), elapsed > 0
        else { throw BenchFailure("log-floor-reference exited \(status):\n\(child.text)") }
        let expected = Double(devices * points * seconds)
        guard rows == expected else {
            throw BenchFailure("log-floor-reference stored \(Int(rows)) readings, not \(Int(expected)):\n\(child.text)")
        }
        return LogFloorRun(core: cpu / elapsed, rowsPerSecond: rows / elapsed)
    }
}
