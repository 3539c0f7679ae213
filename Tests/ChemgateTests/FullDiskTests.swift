import AsyncHTTPClient
import Foundation
import GatewayCore
import NIOCore
import Outbox
import TestSupport
import Testing

/// A real full file system under `chemgate run` (issue #12, item 4): a small tmpfs holds the log,
/// a filler file takes its last byte. The gateway must neither exit nor drop what it read meanwhile.
@Suite("Storage faults: a full disk under chemgate run")
struct FullDiskTests {
    /// Whether this process may mount a tmpfs (root, not in a restricted container).
    static let canMount: Bool = {
        guard getuid() == 0, let directory = try? Tools.temporaryDirectory() else { return false }
        defer { try? FileManager.default.removeItem(at: directory) }
        guard mount("tmpfs", directory.path, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount(directory.path)
        return true
    }()

    /// Writes zeros to `path` until the file system is full.
    static func fill(_ path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        let chunk = Data(repeating: 0, count: 4096)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.synchronize()
    }

    static func status(port: Int) async throws -> String {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/status"),
            timeout: .seconds(5)
        )
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }

    @Test(.enabled(if: canMount, "mounting a tmpfs needs root (mount(2) with CAP_SYS_ADMIN)"))
    func aFullDiskNeitherEndsTheGatewayNorLosesWhatItRead() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await GatewayRig.start(
                endpoint: "\(endpoint)",
                devices: "[ { id: u1, link: plc, unit: 1, map: chemgate/simulator } ]"
            )
            let disk = rig.directory.appendingPathComponent("disk").path
            try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
            try #require(mount("tmpfs", disk, "tmpfs", 0, "size=4m") == 0, "mount: \(String(cString: strerror(errno)))")
            defer { umount2(disk, Int32(MNT_DETACH)) }
            let logPath = disk + "/log.sqlite"
            // min_free 0%: the free-space watch (which tightens the cap before the disk fills, see
            // LogSpaceTests) is off, so that the disk really fills and the refusal path is what is tested.
            let site = try String(contentsOfFile: rig.config, encoding: .utf8)
                .replacingOccurrences(
                    of: "storage: { path: \"\(rig.logPath)\" }",
                    with: "storage: { path: \"\(logPath)\", min_free: 0% }"
                )
            try site.write(toFile: rig.config, atomically: true, encoding: .utf8)

            let run = try rig.run()
            defer { run.signal(SIGKILL) }
            var deadline = ContinuousClock.now + .seconds(15)
            while try await rig.counts().records < 20, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let filler = disk + "/filler"
            Self.fill(filler)
            let full = Date()
            // The log refuses: polling and the uplink go on retrying, the status says so.
            _ = try await run.waitForLine(containing: "cannot store readings and events", timeout: .seconds(10))
            deadline = ContinuousClock.now + .seconds(5)
            var status = ""
            repeat {
                status = try await Self.status(port: rig.statusPort)
                if status.contains(#""sink_failing":true"#) || status.contains(#""sinkFailing":true"#) { break }
                try await Task.sleep(for: .milliseconds(100))
            } while ContinuousClock.now < deadline
            #expect(status.contains(#""healthy":false"#), "\(status.prefix(600))")
            try await Task.sleep(for: .seconds(2))
            #expect(run.isRunning, "the gateway went on with a full disk: \(run.text.suffix(2000))")

            // Asked to stop while the disk is still full: it keeps retrying for its grace time, and
            // stores everything once there is room again.
            run.signal(SIGTERM)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(run.isRunning, "still retrying within the grace time")
            try FileManager.default.removeItem(atPath: filler)
            let exit = try await run.waitForExit(timeout: .seconds(15))
            #expect(exit == 0, "\(run.text.suffix(2000))")
            #expect(!run.text.contains("lost"), "\(run.text.suffix(2000))")

            let log = try DurableLog(path: logPath)
            let records = try await log.records(in: 1...Int64.max)
            let newest = records.map(\.timestamp.milliseconds).max() ?? 0
            let fullAt = Int64(full.timeIntervalSince1970 * 1000)
            #expect(newest > fullAt + 2000, "what was read while the disk was full was stored at the end")
            #expect(try await log.deadLetters(destination: "park").isEmpty)
        }
    }
}
