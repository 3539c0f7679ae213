import Foundation
import GRDB
import GatewayCore
import Testing

@testable import Outbox

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite struct CrashTests {
    /// The `outbox-crash-writer` executable, built next to the test binary.
    private func writerURL() throws -> URL {
        let name = "outbox-crash-writer"
        var directory = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }

    /// Without a segment size, one segment; with 50 sequence numbers a segment (5 appends), the kill
    /// may land in a roll-over (a table renamed, a new head and the views made again).
    @Test(.timeLimit(.minutes(2)), arguments: [nil, 50])
    func appendsThatReturnedSurviveSIGKILL(segmentRows: Int?) async throws {
        try await withTemporaryDirectory { directory in
            let path = logPath(in: directory)
            let writer = Process()
            writer.executableURL = try writerURL()
            writer.arguments = [path] + (segmentRows.map { ["\($0)"] } ?? [])
            let output = Pipe()
            writer.standardOutput = output
            try writer.run()
            // A watchdog, so that a writer that hangs cannot hang the test.
            let pid = writer.processIdentifier
            let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)

            var text = ""
            while text.filter({ $0 == "\n" }).count < 300 {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
            }
            // Mid-stream: the writer is still appending.
            #expect(writer.isRunning)
            kill(pid, SIGKILL)
            text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            writer.waitUntilExit()
            watchdog.cancel()
            #expect(writer.terminationReason == .uncaughtSignal)
            #expect(writer.terminationStatus == SIGKILL)

            // Complete lines only: the last one may have been cut by the kill.
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let committed = try lines.map { line in
                let fields = line.split(separator: " ")
                guard fields.count == 3, fields[0] == "committed", let first = Int64(fields[1]),
                    let last = Int64(fields[2])
                else { throw CocoaError(.coderReadCorrupt) }
                return first...last
            }
            #expect(committed.count >= 300)
            let lastPrinted = try #require(committed.last?.upperBound)

            let log = try DurableLog(path: path)
            let stored = Set(try await log.records(in: 1...Int64.max).map(\.sequence))
            let missing = committed.flatMap { Array($0) }.filter { !stored.contains($0) }
            #expect(missing.isEmpty, "committed but lost: \(missing.prefix(10))")
            // Contiguous from 1 up to the last printed, and beyond it only whole later appends.
            let highest = try #require(stored.max())
            #expect(highest >= lastPrinted)
            #expect(stored.count == Int(highest))
            #expect(highest % 10 == 0)
            if let segmentRows {
                // Every segment but the head holds at least its share of sequence numbers.
                let segments = try await log.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM segment")
                }
                #expect((segments ?? 0) > stored.count / segmentRows / 2, "\(segments ?? 0) segments")
            }
            try log.close()
        }
    }
}
