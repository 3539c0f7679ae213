import Foundation
public import GatewayCore
import Synchronization

extension DurableLog {
    /// What is wrong with the free space of the log's file system, while it is below
    /// ``LogOptions/minFree``; nil otherwise.
    public var diskProblem: String? { space.withLock { $0.problem } }

    /// The cheap check `chemgate run` makes every second and whenever ``capExceeded`` yields.
    ///
    /// 1. The WAL: when its file is over twice ``walLimit`` (readers kept SQLite's automatic checkpoint
    ///    from restarting it), it is checkpointed and truncated.
    /// 2. Free space (`statvfs` on the log's folder): below ``LogOptions/minFree`` of the file system, the
    ///    size cap in force becomes the log's size (database and WAL) minus what is missing to get back
    ///    to the threshold, so SQLite never meets a full disk; the first time, a `disk_low` event is
    ///    recorded and ``diskProblem`` names the free space and the threshold. Once free space is back
    ///    above 1.2 × the threshold, the configured cap applies again and a `disk_ok` event is recorded.
    /// 3. The size cap: when the log's files are over the cap in force, it is enforced at once, as in
    ///    ``enforceLimits(now:)`` (acknowledged rows first, then unacknowledged readings not in alarm,
    ///    never events).
    ///
    /// - Returns: what the size cap did, or nil when the log was within it.
    @discardableResult
    public func watchSpace(now: Timestamp = .now()) async throws -> LimitReport? {
        if Self.fileBytes(path + "-wal") > 2 * walLimit { try await checkpoint() }
        var cap = databaseCap(options.maxBytes)
        var event: GatewayEvent?
        let folder = (path as NSString).deletingLastPathComponent
        if var disk = Self.freeSpace(folder: folder) {
            let threshold = Int(Double(disk.total) * options.minFree)
            let wasLow = space.withLock { $0.problem != nil }
            let low = disk.free < threshold || (wasLow && Double(disk.free) < Double(threshold) * 1.2)
            if low {
                if disk.free < threshold {
                    // The WAL's room first, then rows for what is still missing.
                    try await checkpoint()
                    disk = Self.freeSpace(folder: folder) ?? disk
                    if disk.free < threshold {
                        cap = min(cap, max(0, try await bytesOnDisk - (threshold - disk.free)))
                    }
                }
                let files = Self.fileBytes(path) + Self.fileBytes(path + "-wal")
                let text =
                    "the log's file system has \(Self.megabytes(disk.free)) free of \(Self.megabytes(disk.total)), "
                    + "under storage.min_free \(Self.percent(options.minFree)) (\(Self.megabytes(threshold))): the "
                    + "log is held to \(Self.megabytes(min(cap, files))) (acknowledged rows dropped first, then "
                    + "readings not yet delivered, never events); make room on the file system of \(path)"
                space.withLock { $0.problem = text }
                if !wasLow {
                    event = GatewayEvent(kind: .diskLow, gateway: options.gateway, timestamp: now, reason: text)
                }
            } else if wasLow {
                space.withLock { $0.problem = nil }
                event = GatewayEvent(
                    kind: .diskOK,
                    gateway: options.gateway,
                    timestamp: now,
                    reason: "the log's file system has \(Self.megabytes(disk.free)) free of "
                        + "\(Self.megabytes(disk.total)) again (storage.min_free \(Self.percent(options.minFree)))"
                )
            }
        }
        space.withLock { $0.cap = cap }
        var report: LimitReport?
        // The files bound the database from above (pages past the main file's end are WAL frames), so
        // while they are under the cap the database is, and the check reads no page.
        if Self.fileBytes(path) + Self.fileBytes(path + "-wal") > cap, try await bytesOnDisk > cap {
            report = try await applySizeCap(cap, lowDisk: space.withLock { $0.problem != nil })
        }
        if let event { try await append([event]) }
        return report
    }

    /// The size of the file at `path` in bytes; 0 when there is none.
    static func fileBytes(_ path: String) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return Int(info.st_size)
    }

    /// Free bytes (for an unprivileged writer) and total bytes of the file system holding `folder`.
    static func freeSpace(folder: String) -> (free: Int, total: Int)? {
        var info = statvfs()
        guard statvfs(folder.isEmpty ? "." : folder, &info) == 0 else { return nil }
        let block = Int(info.f_frsize)
        return (free: Int(info.f_bavail) * block, total: Int(info.f_blocks) * block)
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    static func percent(_ fraction: Double) -> String {
        String(format: "%g %%", fraction * 100)
    }
}
