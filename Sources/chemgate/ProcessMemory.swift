import CMallocTuning
import Foundation
import Outbox

/// The gateway's memory at one moment, as `/metrics` reports it: what the kernel holds resident for
/// it, and what malloc says of its heap. A heap in use that stays flat while the resident memory
/// grows is memory malloc keeps after frees, not a leak (docs/operations.md, "Memory and CPU").
struct ProcessMemory: Equatable {
    /// Resident memory (`VmRSS` of /proc/self/status), in bytes.
    var resident: Int
    /// Its anonymous part (`RssAnon`): the heap, stacks, SQLite's page caches; what a leak grows.
    var residentAnonymous: Int
    /// Its file part (`RssFile`): the binary's and libraries' code and data, reclaimable by the kernel.
    var residentFile: Int
    /// Bytes allocated with malloc and not yet freed.
    var heapInUse: Int
    /// Bytes malloc keeps free in its arenas.
    var heapHeldFree: Int
    /// The part of ``heapInUse`` SQLite holds (the log's page caches, schemas, statements).
    var sqliteInUse: Int

    /// Reads it now; nil when /proc/self/status cannot be read or lacks the fields (not Linux).
    static func now() -> ProcessMemory? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let kernel = Self.resident(status: status)
        else { return nil }
        let heap = chemgate_heap_now()
        return ProcessMemory(
            resident: kernel.resident,
            residentAnonymous: kernel.anonymous,
            residentFile: kernel.file,
            heapInUse: Int(heap.in_use),
            heapHeldFree: Int(heap.held_free),
            sqliteInUse: DurableLog.sqliteMemoryInUse
        )
    }

    /// `VmRSS`, `RssAnon` and `RssFile` of a /proc/PID/status text, in bytes; nil when one is missing.
    static func resident(status: String) -> (resident: Int, anonymous: Int, file: Int)? {
        var fields: [Substring: Int] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            guard parts.count == 3, parts[2] == "kB", let kilobytes = Int(parts[1]) else { continue }
            fields[parts[0]] = kilobytes * 1024
        }
        guard let resident = fields["VmRSS"], let anonymous = fields["RssAnon"], let file = fields["RssFile"] else {
            return nil
        }
        return (resident, anonymous, file)
    }
}
