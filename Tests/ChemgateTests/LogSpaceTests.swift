import DeviceMap
import Foundation
import GatewayCore
import Glibc
import Outbox
import Polling
import TestSupport
import Testing

@testable import chemgate

/// Issue #18, item 5: the log's size on an edge box. The size cap holds within seconds under fast
/// appends, and free space on the log's file system (a real tmpfs) is watched.
@Suite("Disk: the log's size cap and free space", .serialized)
struct LogSpaceTests {
    static func reading(_ index: Int, point: String = "p") -> Reading {
        Reading(
            gateway: "gw",
            device: "dev",
            point: point,
            value: .number(Double(index)),
            unit: "%LEL",
            quality: .good,
            timestamp: Timestamp(milliseconds: 1_795_392_000_000 + Int64(index))
        )
    }

    static func event(_ index: Int) -> GatewayEvent {
        GatewayEvent(
            kind: .linkDown,
            gateway: "gw",
            link: "plc",
            timestamp: Timestamp(milliseconds: 1_795_392_000_000 + Int64(index)),
            reason: "test event \(index)"
        )
    }

    static func kind(_ record: Record) -> GatewayEvent.Kind? {
        if case .event(let event) = record.payload { event.kind } else { nil }
    }

    static func fileBytes(_ path: String) -> Int {
        // Not `stat()`: with some compilation batches the name resolves to Dispatch's import of it and
        // MemberImportVisibility refuses the build.
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func freeBytes(_ folder: String) -> (free: Int, total: Int) {
        var info = statvfs()
        _ = statvfs(folder, &info)
        return (Int(info.f_bavail) * Int(info.f_frsize), Int(info.f_blocks) * Int(info.f_frsize))
    }

    /// The size cap used to be enforced once a minute: a 1 MB cap reached 3.5 MB plus a 4.4 MB WAL.
    /// Under `chemgate run`'s log-limits service, appends as fast as SQLite takes them (nothing
    /// acknowledged: the uplink is down) keep the database and its WAL within 1.5 × the cap.
    @Test func theSizeCapHoldsWithinSecondsUnderFastAppends() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("log.sqlite").path
        let log = try DurableLog(
            path: path,
            options: LogOptions(maxBytes: 1_000_000, synchronous: .normal, destinations: ["park"])
        )
        defer { try? log.close() }
        let service = LogLimitsService(log: log, logger: quietLogger)
        let task = Task { try await service.run() }
        defer { task.cancel() }

        let start = ContinuousClock.now
        var worst = 0
        var appended = 0
        while start.duration(to: .now) < .seconds(4) {
            try await log.append((0..<200).map { Self.reading(appended + $0) })
            appended += 200
            if start.duration(to: .now) > .seconds(2) {
                worst = max(worst, Self.fileBytes(path) + Self.fileBytes(path + "-wal"))
            }
        }
        let dropped = try await log.dropCounts()[DropReason.sizeCapUnacknowledged.rawValue] ?? 0
        #expect(appended > 30_000, "appends too slow to test the cap: \(appended) readings in 4 s")
        #expect(dropped > 0, "the cap dropped nothing: \(appended) readings appended")
        #expect(worst > 0)
        #expect(worst <= 1_500_000, "database + WAL reached \(worst) bytes under a 1 MB cap")
    }

    /// A real 8 MB tmpfs holds the log; a filler file leaves less than `storage.min_free` (the default
    /// 5 %). The cap tightens until free space is back at the threshold (events kept), one `disk_low`
    /// event is recorded, the status shows a problem naming the free space and the threshold; once the
    /// filler is gone, a `disk_ok` event and the problem clears.
    @Test(.enabled(if: FullDiskTests.canMount, "mounting a tmpfs needs root (mount(2) with CAP_SYS_ADMIN)"))
    func lowFreeSpaceTightensTheCapRaisesDiskLowAndShowsInTheStatus() async throws {
        let directory = try Tools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let disk = directory.appendingPathComponent("disk").path
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        try #require(mount("tmpfs", disk, "tmpfs", 0, "size=8m") == 0, "mount: \(String(cString: strerror(errno)))")
        defer { umount2(disk, Int32(MNT_DETACH)) }
        let path = disk + "/log.sqlite"
        let log = try DurableLog(
            path: path,
            options: LogOptions(maxBytes: 100_000_000, synchronous: .normal, destinations: ["park"], gateway: "gw")
        )
        defer { try? log.close() }
        for batch in 0..<30 {
            do {
                try await log.append(
                    events: [Self.event(batch)],
                    readings: (0..<500).map { Self.reading(batch * 500 + $0) }
                )
            } catch {
                Issue.record(
                    "batch \(batch): \(error); free \(Self.freeBytes(disk)), log \(Self.fileBytes(path)), wal \(Self.fileBytes(path + "-wal"))"
                )
                throw error
            }
        }
        _ = try await log.watchSpace()
        #expect(log.diskProblem == nil)
        // The minute's pass checkpoints the WAL into the database (which needs room for what the WAL holds).
        try await log.enforceLimits()
        let total = Self.freeBytes(disk).total
        let threshold = total / 20
        let logBefore = Self.fileBytes(path) + Self.fileBytes(path + "-wal")
        #expect(logBefore > 1_000_000, "the log holds \(logBefore) bytes")

        // The filler leaves 250 KB free: about 170 KB under the 5 % threshold of 8 MB.
        let filler = disk + "/filler"
        let room = Self.freeBytes(disk).free - 250_000
        try #require(FileManager.default.createFile(atPath: filler, contents: Data(count: room)))
        #expect(Self.freeBytes(disk).free < threshold)

        let watched: LimitReport?
        do {
            watched = try await log.watchSpace()
        } catch {
            Issue.record(
                "watchSpace: \(error); free \(Self.freeBytes(disk)), log \(Self.fileBytes(path)), wal \(Self.fileBytes(path + "-wal")), was \(logBefore)"
            )
            throw error
        }
        let report = try #require(watched, "the cap was not tightened")
        #expect(report.droppedUnacknowledged > 0)
        let after = Self.freeBytes(disk).free
        #expect(after >= threshold - 64 * 1024, "free \(after) bytes, threshold \(threshold)")
        let problem = try #require(log.diskProblem)
        #expect(problem.contains("under storage.min_free 5 %"), "\(problem)")
        #expect(problem.contains("MB free of 8.4 MB"), "\(problem)")

        var records = try await log.records(in: 1...1_000_000)
        #expect(records.filter { Self.kind($0) == .linkDown }.count == 30, "events were dropped")
        #expect(records.filter { Self.kind($0) == .diskLow }.count == 1)

        // Still low at the next tick: no second disk_low.
        _ = try await log.watchSpace()
        records = try await log.records(in: 1...1_000_000)
        #expect(records.filter { Self.kind($0) == .diskLow }.count == 1)

        // The status shows the problem.
        let site = try Self.site(in: directory)
        let service = PollingService(site: site, plan: try SitePlan.make(site), sink: log, logger: quietLogger)
        let health = GatewayHealth(
            polling: PollingHealth(site: site, service: service, configHash: "test", version: "test"),
            log: log,
            forwarders: []
        )
        let snapshot = await health.snapshot()
        #expect(!snapshot.healthy)
        let shown = try #require(log.diskProblem)
        #expect(shown.contains("under storage.min_free 5 % (0.4 MB)"), "\(shown)")
        #expect(snapshot.problems.contains(shown), "\(snapshot.problems)")

        try FileManager.default.removeItem(atPath: filler)
        _ = try await log.watchSpace()
        #expect(log.diskProblem == nil)
        records = try await log.records(in: 1...1_000_000)
        #expect(records.filter { Self.kind($0) == .diskOK }.count == 1)
        #expect(await health.snapshot().problems.isEmpty)
    }

    static func site(in directory: URL) throws -> SiteConfig {
        let file = directory.appendingPathComponent("site.yaml")
        try """
        gateway: { id: gw, enterprise: E-1 }
        devices_path: \(Tools.repositoryRoot.appendingPathComponent("Devices").path)
        links: [ { id: plc, endpoint: "tcp://127.0.0.1:1", timeout: 100ms } ]
        devices: [ { id: d1, link: plc, unit: 1, map: generic/combustible-gas-detector } ]
        """.write(to: file, atomically: true, encoding: .utf8)
        return try SiteConfigLoader.load(path: file.path).0
    }
}
