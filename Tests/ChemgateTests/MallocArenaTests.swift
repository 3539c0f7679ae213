import Foundation
import TestSupport
import Testing

/// `chemgate run` caps glibc's malloc arenas at two, the main one and one more, before any thread of
/// its own starts (`ChemgateMain.main()`). Set later, in `run`, the cap left five: each thread that
/// allocated first got an arena of its own, and glibc keeps every arena and what it holds free.
@Suite("Malloc arenas")
struct MallocArenaTests {
    /// The arenas besides the main one in the process `pid`: glibc maps each as a heap of 64 MiB
    /// aligned to its size, read-write from its start and reserved (`---p`) to its end.
    static func arenaHeaps(pid: Int32) throws -> Int {
        let heapSize: UInt64 = 64 << 20
        let maps = try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)
        let regions = maps.split(separator: "\n").compactMap { line -> (start: UInt64, end: UInt64, mode: Substring)? in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 5, let dash = fields[0].firstIndex(of: "-") else { return nil }
            guard let start = UInt64(fields[0][..<dash], radix: 16),
                let end = UInt64(fields[0][fields[0].index(after: dash)...], radix: 16)
            else { return nil }
            return (start, end, fields[1])
        }
        return regions.indices.filter { index in
            let region = regions[index]
            guard region.mode == "rw-p", region.start % heapSize == 0 else { return false }
            if region.end - region.start == heapSize { return true }
            guard index + 1 < regions.count else { return false }
            let next = regions[index + 1]
            return next.mode == "---p" && next.start == region.end && next.end == region.start + heapSize
        }.count
    }

    @Test func aPollingGatewayHasOneArenaBesidesTheMainOne() async throws {
        try await withTCPSimulator(units: [1]) { (endpoint, _, _) async throws in
            let rig = try await GatewayRig.start(endpoint: "\(endpoint)", devices: DeliveryTests.simulatorDevice)
            let run = try rig.run()
            // Polling, storing, uploading and serving: the link's thread, SQLite's, NIO's and the
            // cooperative pool's have all allocated.
            _ = try await rig.waitUntilReceived(through: 20)
            try await RunSite.Port(rig.statusPort).waitUntilAnswering()
            let heaps = try Self.arenaHeaps(pid: run.pid)
            run.signal(SIGTERM)
            _ = try await run.waitForExit()
            #expect(heaps <= 1, "\(heaps) malloc arenas besides the main one")
        }
    }
}
