import Foundation
import GRDB

/// What is at a log's path before it is opened for writing. Nothing here writes: a file that is not a
/// chemgate log must come out of the check byte for byte unchanged.
enum LogFile {
    /// `PRAGMA application_id` of a chemgate log: "CHGL".
    static let applicationID: Int32 = 0x4348_474C

    enum Kind: Equatable {
        /// No file, or an empty one: a new log is created.
        case absent
        /// A chemgate log that passes SQLite's `quick_check`.
        case chemgate
        /// A chemgate log (or an SQLite file claiming to be one) that SQLite finds damaged.
        case corrupt(String)
        /// Something else: another program's database or any other file. Never touched.
        case foreign(String)
    }

    static func inspect(path: String) -> Kind {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return .absent }
        if (attributes[.size] as? Int ?? 0) == 0 { return .absent }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .foreign("it cannot be read (check its permissions)")
        }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        guard header.starts(with: Data("SQLite format 3\0".utf8)) else {
            return .foreign("it is not an SQLite database")
        }
        // Bytes 68–71 of the header: the application id, big-endian.
        let id = header.count >= 72 ? header[68..<72].reduce(Int32(0)) { $0 << 8 | Int32($1) } : 0
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "Outbox.inspect"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db -> Kind in
                if id != applicationID {
                    // A log written before the application id was set: its own tables, nothing else's
                    // (`record` is a view since the log is kept in segments).
                    let tables = Set(
                        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
                    )
                    let ours: Set = ["record", "destination", "cursor", "dead_letter", "dropped", "grdb_migrations"]
                    guard id == 0, ours.isSubset(of: tables) else {
                        return .foreign(
                            id == 0
                                ? "it is an SQLite database without chemgate's tables"
                                : "it is another program's SQLite database (application_id \(id))"
                        )
                    }
                }
                let problems = try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
                return problems == ["ok"] ? .chemgate : .corrupt(problems.joined(separator: "; "))
            }
        } catch let error as DatabaseError
            where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB
        {
            return .corrupt(error.message ?? "\(error)")
        } catch {
            return .foreign("SQLite cannot read it (\(error))")
        }
    }

    /// Renames the log and its `-wal` and `-shm` to `<name>.corrupt-<UTC timestamp>`; returns the new name.
    static func moveAside(path: String, now: Date = Date()) throws -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let target = "\(path).corrupt-\(formatter.string(from: now))"
        let manager = FileManager.default
        try manager.moveItem(atPath: path, toPath: target)
        for suffix in ["-wal", "-shm"] where manager.fileExists(atPath: path + suffix) {
            try manager.moveItem(atPath: path + suffix, toPath: target + suffix)
        }
        return target
    }

    /// The file's device and inode; nil when there is no file at `path`.
    static func identity(path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}

/// A file's device and inode: another file at the same path has another identity.
struct FileIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
}
