import Foundation

/// Whether standard error is connected to journald: systemd sets `JOURNAL_STREAM` to the
/// `device:inode` of the stream it connects (systemd.exec(5)); the variable alone may be inherited
/// by a child whose standard error went elsewhere, so the descriptor is compared too.
enum JournalStream {
    static func isStandardError(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"], !value.isEmpty else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(2, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
